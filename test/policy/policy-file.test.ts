import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePolicy, PolicyError } from '../../src/policy/parse-policy.ts';

const rule = (when: string, extra = '') => `rules:\n  - id: one\n    decision: ask\n    level: team-lead\n    reason: because${extra}\n    when:\n${when}`;

function problemOf(text: string): { line: number; problem: string } {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return { line: (error as PolicyError).line, problem: (error as PolicyError).problem };
  }
  throw new Error('the policy was accepted');
}

describe('a policy file', () => {
  it('reads rules in order with their lines', () => {
    const policy = parsePolicy(
      `${rule('      gate: change\n      affected_users: { at_least: 10 }\n')}  - id: two\n    decision: allow\n    reason: fine\n    when:\n      gate: plan\n`,
      'p.yaml',
    );
    expect(policy.rules.map((entry) => [entry.id, entry.line])).toEqual([
      ['one', 2],
      ['two', 9],
    ]);
    expect(policy.rules[0]!.when).toEqual([
      { fact: 'gate', test: 'one-of', values: ['change'] },
      { fact: 'affected_users', test: 'range', atLeast: 10 },
    ]);
    expect(policy.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a fact that does not exist', rule('      gate: change\n      severty: P0\n'), 8, 'unknown fact "severty"'],
    [
      'a value a fact cannot take',
      rule('      gate: change\n      review_verdict: request-changes\n'),
      8,
      '"request-changes" is not a value of review_verdict',
    ],
    ['a number compared as text', rule('      affected_users: many\n'), 7, 'affected_users is a number'],
    ['a range on a text fact', rule('      severity: { at_least: 1 }\n'), 7, 'severity is not a number'],
    [
      'an ask without a level',
      'rules:\n  - id: one\n    decision: ask\n    reason: r\n    when:\n      gate: change\n',
      2,
      'give `level: team-lead` or `level: admin`',
    ],
    [
      'an unknown decision',
      'rules:\n  - id: one\n    decision: maybe\n    reason: r\n    when:\n      gate: change\n',
      3,
      'decision "maybe" is not allow, ask or deny',
    ],
    ['a rule key misspelt', rule('      gate: change\n', '\n    wehn: 1'), 6, 'unknown rule key "wehn"'],
    [
      'two rules with one id',
      `${rule('      gate: change\n')}  - id: one\n    decision: allow\n    reason: r\n    when:\n      gate: plan\n`,
      8,
      'rule id "one" is used twice',
    ],
    ['broken YAML', 'rules:\n  - id: one\n    when: { gate: [change\n', 4, 'not valid YAML'],
    ['no rules', 'version: 1\n', 1, 'has no `rules:`'],
    ['business hours the wrong way round', 'business_hours:\n  start: "18:00"\n  end: "09:00"\nrules: []\n', 2, 'end must be after'],
  ])('refuses %s, naming the line', (_name, text, line, problem) => {
    const found = problemOf(text);
    expect(found.problem).toContain(problem);
    expect(found.line).toBe(line);
  });
});

describe('mender start with a malformed policy file', () => {
  it('refuses to start, naming the file and line, and creates nothing', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-policy-'));
    const file = path.join(folder, 'policy.yaml');
    fs.writeFileSync(file, rule('      gate: change\n      severty: P0\n'));
    const started = spawnSync('bin/mender', ['start'], {
      env: { ...process.env, MENDER_DATA_DIR: path.join(folder, 'data'), MENDER_POLICY_FILE: file, MENDER_PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr).toContain(`the policy ${file}:8: rule one: unknown fact "severty"`);
    expect(fs.existsSync(path.join(folder, 'data'))).toBe(false);
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
