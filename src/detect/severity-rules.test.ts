import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRouteMatcher, evaluateSeverity, loadSeverityRules, type SeverityFacts } from './severity-rules.ts';
import { isNewerRelease } from './release-order.ts';
import { addToSketch, emptySketch, estimateSketch, userKey } from './user-sketch.ts';
import { parseEnvelope } from './envelope.ts';

const rules = loadSeverityRules();
const facts = (given: Partial<SeverityFacts>): SeverityFacts => ({
  source: 'sentry',
  level: 'error',
  criticalRoute: false,
  isNew: true,
  count5m: 1,
  count1h: 1,
  count24h: 1,
  users: 0,
  serverEvents: 0,
  ...given,
});

describe('severity rules', () => {
  it('applies the default rules, first match wins', () => {
    expect(evaluateSeverity(rules, facts({ source: 'health', level: 'info' }))).toEqual({ severity: 'P0', rule: 'health-check-failing' });
    expect(evaluateSeverity(rules, facts({ criticalRoute: true, count5m: 5 }))).toEqual({ severity: 'P0', rule: 'critical-route-spike' });
    expect(evaluateSeverity(rules, facts({ level: 'warning', count5m: 500 }))).toEqual({ severity: 'P4', rule: 'info-or-warning' });
    expect(evaluateSeverity(rules, facts({ count5m: 10 }))).toEqual({ severity: 'P1', rule: 'new-error-burst' });
    expect(evaluateSeverity(rules, facts({ users: 3 }))).toEqual({ severity: 'P1', rule: 'new-error-many-users' });
    expect(evaluateSeverity(rules, facts({ isNew: false, count5m: 10, count1h: 10 }))).toEqual({ severity: 'P2', rule: 'frequent-error' });
    expect(evaluateSeverity(rules, facts({ count24h: 2 }))).toEqual({ severity: 'P3', rule: 'recurring-error' });
    expect(evaluateSeverity(rules, facts({}))).toEqual({ severity: 'P3', rule: 'single-error' });
  });

  it('loads rules from a file and says what is wrong with a bad one', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-rules-'));
    const good = path.join(folder, 'good.json');
    fs.writeFileSync(good, JSON.stringify({ rules: [{ name: 'everything-p2', severity: 'P2', when: {} }] }));
    expect(evaluateSeverity(loadSeverityRules(good), facts({ source: 'health' }))).toEqual({ severity: 'P2', rule: 'everything-p2' });
    const bad = path.join(folder, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ rules: [{ name: 'x', severity: 'P9', when: {} }] }));
    expect(() => loadSeverityRules(bad)).toThrow(/rules\.0\.severity/);
    fs.rmSync(folder, { recursive: true });
  });

  it('caps a P0/P1 rule at P2 below its requireMinUsers, and leaves less severe rules alone', () => {
    const capped = severityRulesOf([
      { name: 'burst', severity: 'P0', when: { minCount5m: 10 }, requireMinUsers: 3 },
      { name: 'often', severity: 'P3', when: {}, requireMinUsers: 3 },
    ]);
    expect(evaluateSeverity(capped, facts({ count5m: 10, users: 2 }))).toEqual({
      severity: 'P2',
      rule: 'burst (capped at P2: 2 of the 3 distinct users it requires)',
    });
    expect(evaluateSeverity(capped, facts({ count5m: 10, users: 3 }))).toEqual({ severity: 'P0', rule: 'burst' });
    expect(evaluateSeverity(capped, facts({ users: 0 }))).toEqual({ severity: 'P3', rule: 'often' });
    expect(() => severityRulesOf([{ name: 'x', severity: 'P1', when: {}, requireMinUsers: 0 }])).toThrow(/rules\.0\.requireMinUsers/);
  });

  it('caps a P0/P1 rule at P2 until an event came server-side when it requires the server key', () => {
    const capped = severityRulesOf([{ name: 'burst', severity: 'P1', when: { minCount5m: 10 }, requireServerKey: true, requireMinUsers: 2 }]);
    expect(evaluateSeverity(capped, facts({ count5m: 10, users: 5 }))).toEqual({
      severity: 'P2',
      rule: 'burst (capped at P2: no event came with the server-side key, only the public one)',
    });
    expect(evaluateSeverity(capped, facts({ count5m: 10, users: 5, serverEvents: 1 }))).toEqual({ severity: 'P1', rule: 'burst' });
    expect(evaluateSeverity(capped, facts({ count5m: 10, users: 1, serverEvents: 1 })).severity).toBe('P2');
    expect(() => severityRulesOf([{ name: 'x', severity: 'P1', when: {}, requireServerKey: 'yes' }])).toThrow(/rules\.0\.requireServerKey/);
  });

  it('matches critical route patterns', () => {
    const critical = createRouteMatcher(['/checkout/**', '/api/payments/*']);
    expect(critical('/checkout/pay/confirm')).toBe(true);
    expect(critical('/api/payments/42')).toBe(true);
    expect(critical('/api/payments/42/refund')).toBe(false);
    expect(critical('/cart')).toBe(false);
    expect(critical(undefined)).toBe(false);
  });

  it('compares releases by version number, else by novelty', () => {
    expect(isNewerRelease('shop@1.10.0', 'shop@1.9.3', [])).toBe(true);
    expect(isNewerRelease('v1.2', '1.2.0', [])).toBe(false);
    expect(isNewerRelease('1.0.0', '1.0.1', [])).toBe(false);
    expect(isNewerRelease('build-abc', 'build-xyz', ['build-xyz'])).toBe(true);
    expect(isNewerRelease('build-old', 'build-xyz', ['build-old', 'build-xyz'])).toBe(false);
    expect(isNewerRelease(undefined, '1.0.0', [])).toBe(false);
  });

  it('counts distinct users exactly when few, closely when many', () => {
    const sketch = emptySketch();
    for (const id of ['1', '2', '2', '3']) addToSketch(sketch, userKey({ id })!);
    expect(estimateSketch(sketch)).toBe(3);
    const large = emptySketch();
    for (let index = 0; index < 20_000; index += 1) addToSketch(large, `id:${index}`);
    expect(Math.abs(estimateSketch(large) - 20_000) / 20_000).toBeLessThan(0.1);
    expect(userKey({ email: 'A@B.io', ipAddress: '1.2.3.4' })).toBe('email:a@b.io');
  });

  it('parses envelopes with and without item lengths', () => {
    const body = Buffer.from('{"dsn":"http://k@h/1"}\n{"type":"event","length":7}\n{"a":1}\n{"type":"session"}\n{"s":2}\n');
    const envelope = parseEnvelope(body);
    expect(envelope.header.dsn).toBe('http://k@h/1');
    expect(envelope.items.map((item) => [item.type, item.payload.toString()])).toEqual([
      ['event', '{"a":1}'],
      ['session', '{"s":2}'],
    ]);
    expect(() => parseEnvelope(Buffer.from('{}\n{"type":"event","length":99}\n{}'))).toThrow(/envelope ends first/);
  });
});

function severityRulesOf(list: unknown[]): ReturnType<typeof loadSeverityRules> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-rules-'));
  try {
    const file = path.join(folder, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ rules: list }));
    return loadSeverityRules(file);
  } finally {
    fs.rmSync(folder, { recursive: true });
  }
}
