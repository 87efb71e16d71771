import { describe, expect, it } from 'vitest';
import { assessRisk, type FileChange, type RiskInput } from './risk-assessment.ts';
import { mayApprove } from './approval-authority.ts';

const file = (path: string, insertions: number, deletions = 0, isTest = /test/.test(path)): FileChange => ({
  path,
  insertions,
  deletions,
  status: 'modified',
  isTest,
});
const input = (overrides: Partial<RiskInput>): RiskInput => ({
  files: [],
  diff: '',
  whitespaceOnly: false,
  tamperingFlags: [],
  reviewFindings: [],
  protectedHits: [],
  ...overrides,
});

describe('assessRisk', () => {
  it('rates a small source fix low, needing a team lead', () => {
    const risk = assessRisk(
      input({ files: [file('src/cart.ts', 1, 1), file('test/cart.test.ts', 6)], diff: '+++ b/src/cart.ts\n-  const a = 1;\n+  const a = 2;\n' }),
    );
    expect(risk).toMatchObject({ level: 'low', requiredApproval: 'team-lead', categories: ['source'], linesChanged: 8, autoEligible: false });
  });

  it('makes a small tests-only change eligible for auto', () => {
    const risk = assessRisk(input({ files: [file('test/empty.test.ts', 6)] }));
    expect(risk).toMatchObject({ level: 'low', requiredApproval: 'auto', categories: ['tests-only'], autoEligible: true });
  });

  it('keeps 20 or more changed lines of tests away from auto', () => {
    expect(assessRisk(input({ files: [file('test/big.test.ts', 20)] })).requiredApproval).toBe('team-lead');
  });

  it('rates schema, auth, billing and CI changes high, needing an admin', () => {
    for (const path of ['db/migrations/0003_users.sql', 'src/auth/session.ts', 'src/billing/invoice.ts', '.github/workflows/ci.yml']) {
      const risk = assessRisk(input({ files: [file(path, 3)] }));
      expect([path, risk.level, risk.requiredApproval]).toEqual([path, 'high', 'admin']);
    }
  });

  it('notices a new dependency in package.json and an exported signature change', () => {
    const dependency = assessRisk(input({ files: [file('package.json', 1)], diff: '+++ b/package.json\n   "dependencies": {\n+    "left-pad": "^1.3.0",\n' }));
    expect(dependency.reasons).toContain('adds a dependency (left-pad)');
    expect(dependency.requiredApproval).toBe('admin');
    const api = assessRisk(
      input({ files: [file('src/cart.ts', 1, 1)], diff: '+++ b/src/cart.ts\n-export function total(items) {\n+export function total(items, discount) {\n' }),
    );
    expect(api).toMatchObject({ level: 'medium', requiredApproval: 'team-lead' });
    expect(api.categories).toContain('public-api');
  });

  it('makes test tampering manual-only and a protected path admin', () => {
    expect(assessRisk(input({ files: [file('src/a.ts', 1)], tamperingFlags: ['test file deleted: test/a.test.ts'] }))).toMatchObject({
      level: 'critical',
      requiredApproval: 'manual-only',
    });
    const protectedChange = assessRisk(input({ files: [file('src/a.ts', 1)], protectedHits: [{ path: 'src/a.ts', pattern: 'src/**' }] }));
    expect(protectedChange.requiredApproval).toBe('admin');
  });

  it('raises the level for serious reviewer findings', () => {
    const risk = assessRisk(
      input({ files: [file('src/a.ts', 1)], reviewFindings: [{ severity: 'major', category: 'security', message: 'SQL built from input' }] }),
    );
    expect(risk).toMatchObject({ level: 'critical', requiredApproval: 'admin' });
  });
});

describe('mayApprove', () => {
  const lead = { id: '1', name: 'lee', role: 'team-lead' as const };
  const admin = { id: '2', name: 'ada', role: 'admin' as const };
  const viewer = { id: '3', name: 'vic', role: 'viewer' as const };

  it('checks the role against the level and the two-person rule', () => {
    expect(mayApprove(lead, 'team-lead', 'someone', true)).toEqual({ ok: true });
    expect(mayApprove(viewer, 'team-lead', 'someone', true).ok).toBe(false);
    expect(mayApprove(lead, 'admin', 'someone', true).ok).toBe(false);
    expect(mayApprove(admin, 'admin', 'someone', true)).toEqual({ ok: true });
    expect(mayApprove(lead, 'team-lead', 'lee', true).ok).toBe(false);
    expect(mayApprove(lead, 'team-lead', 'lee', false)).toEqual({ ok: true });
    expect(mayApprove(admin, 'manual-only', 'someone', false).ok).toBe(false);
  });
});
