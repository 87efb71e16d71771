import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually as readUntil } from '../support/eventually.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { roleScript, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

function errorEvent(functionName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: `broken in ${functionName}`,
          stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: functionName, lineno: 3, in_app: true }] },
        },
      ],
    },
  };
}

function envelope(events: Record<string, unknown>[]): string {
  return `{}\n${events.map((event) => `${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`).join('\n')}\n`;
}

/** A severity rules file for MENDER_DETECT_SEVERITY_RULES, removed after `body`. */
async function withRulesFile(rules: Record<string, unknown>[], body: (rulesFile: string) => Promise<void>): Promise<void> {
  const rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-rules-'));
  const rulesFile = path.join(rulesDir, 'rules.json');
  fs.writeFileSync(rulesFile, JSON.stringify({ rules }));
  try {
    await body(rulesFile);
  } finally {
    fs.rmSync(rulesDir, { recursive: true, force: true });
  }
}

/** test/support/eventually.ts with the minute a digest and an operation may take here. */
function eventually<Value>(probe: () => Promise<Value>, accept: (value: Value) => boolean, what: string, timeoutMs = 60_000): Promise<Value> {
  return readUntil(probe, accept, what, timeoutMs);
}

describe('the detector has its own operation budget', () => {
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;
  let model: ScriptedModelServer | undefined;
  afterEach(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    mender = undefined;
    model = undefined;
    target = undefined;
  });

  it('public-key events for many issues use up the detector budget, not people’s', async () => {
    target = createTargetRepository();
    // No model: detected operations fail in planning; the budget counts them all the same.
    mender = await startMenderUnderTest({
      MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR: '2',
      MENDER_MAX_OPERATIONS_PER_HOUR: '2',
      MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0',
    });
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const names = ['checkout', 'login', 'search', 'profile'];
    for (const name of names) {
      const response = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
        method: 'POST',
        body: envelope(Array.from({ length: 12 }, () => errorEvent(name))),
      });
      expect(response.status).toBe(200);
    }
    const issues = async () =>
      ((await mender!.call('GET', '/api/issues?limit=500')).json.issues as any[]).filter((item) =>
        names.some((name) => item.title === `TypeError: broken in ${name}`),
      );
    const settled = await eventually(
      issues,
      (items) =>
        items.length === 4 &&
        items.filter((item) => item.operations.length === 1).length === 2 &&
        items.filter((item) => /detector budget/.test(item.statusReason ?? '')).length === 2,
      'two issues get an operation, two are told the detector budget is spent',
    );
    for (const item of settled) expect(item.severity).toBe('P1');
    const waiting = settled.filter((item) => item.operations.length === 0);
    expect(waiting).toHaveLength(2);
    for (const item of waiting) expect(item.statusReason).toMatch(/MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR/);
    for (const item of waiting) expect(item.status).not.toBe('failed');

    // People's budget is untouched: a person can still start two operations, and only then is refused.
    for (let index = 0; index < 2; index += 1) {
      const started = await mender.call('POST', '/api/operations', { type: 'fix', description: `person's fix ${index}`, repo: 'shop' });
      expect(started.status, started.text).toBe(201);
    }
    const refused = await mender.call('POST', '/api/operations', { type: 'fix', description: 'one too many', repo: 'shop' });
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/MENDER_MAX_OPERATIONS_PER_HOUR/);
    expect((await issues()).filter((item) => item.operations.length > 0)).toHaveLength(2);
  });

  it('a rule requiring a minimum of distinct users keeps a one-user issue at P2', async () => {
    const rules = [
      { name: 'new-error-burst', severity: 'P1', when: { new: true, minCount5m: 10 }, requireMinUsers: 2 },
      { name: 'single-error', severity: 'P3', when: {} },
    ];
    await withRulesFile(rules, async (rulesFile) => {
      target = createTargetRepository();
      mender = await startMenderUnderTest({ MENDER_DETECT_SEVERITY_RULES: rulesFile });
      expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
      const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
      const send = async (name: string, users: string[]) => {
        const events = Array.from({ length: 12 }, (_, index) => errorEvent(name, { user: { id: users[index % users.length] } }));
        const response = await mender!.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope(events) });
        expect(response.status).toBe(200);
      };
      const issue = async (name: string) =>
        ((await mender!.call('GET', '/api/issues?limit=500')).json.issues as any[]).find((item) => item.title === `TypeError: broken in ${name}`);
      await send('lonely', ['only-user']);
      await send('crowded', ['a', 'b', 'c']);
      const crowded = await eventually(
        () => issue('crowded'),
        (item) => item?.severity === 'P1',
        'three users make a P1',
      );
      expect(crowded.severityRule).toBe('new-error-burst');
      const lonely = await eventually(
        () => issue('lonely'),
        (item) => item?.count === 12,
        'the one-user issue is counted',
      );
      expect(lonely.severity).toBe('P2');
      expect(lonely.severityRule).toMatch(/new-error-burst.*2 distinct users/);
      expect(lonely.operations).toEqual([]);
    });
  });

  it('a rule requiring the server-side key keeps public-key events at P2 until the server key reports the issue', async () => {
    const rules = [
      { name: 'new-error-burst', severity: 'P1', when: { new: true, minCount5m: 10 }, requireServerKey: true },
      { name: 'single-error', severity: 'P3', when: {} },
    ];
    await withRulesFile(rules, async (rulesFile) => {
      target = createTargetRepository();
      mender = await startMenderUnderTest({ MENDER_DETECT_SEVERITY_RULES: rulesFile });
      expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
      const created = await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' });
      const project = created.json as { id: number; publicKey: string; serverKey: string; serverDsn: string; dsn: string };
      // Two keys: the public one for front-end bundles, a server-side one for back ends, never the same.
      expect(project.serverKey).toMatch(/^[0-9a-f]{32}$/);
      expect(project.serverKey).not.toBe(project.publicKey);
      expect(project.serverDsn).toContain(`${project.serverKey}@`);
      const send = async (name: string, key: string) => {
        const events = Array.from({ length: 12 }, () => errorEvent(name, { user: { id: crypto.randomUUID() } }));
        const response = await mender!.app.request(`/api/${project.id}/envelope/?sentry_key=${key}`, { method: 'POST', body: envelope(events) });
        expect(response.status).toBe(200);
      };
      const issue = async (name: string) =>
        ((await mender!.call('GET', '/api/issues?limit=500')).json.issues as any[]).find((item) => item.title === `TypeError: broken in ${name}`);
      // Many distinct users, all through the public key: one client in a browser can make that up.
      await send('browser-only', project.publicKey);
      const browserOnly = await eventually(
        () => issue('browser-only'),
        (item) => item?.count === 12,
        'the public-key issue is counted',
      );
      expect(browserOnly.severity).toBe('P2');
      expect(browserOnly.severityRule).toMatch(/new-error-burst.*server-side key/);
      expect(browserOnly.operations).toEqual([]);
      // The same issue reported by the back end with the server key is believed.
      await send('browser-only', project.serverKey);
      const confirmed = await eventually(
        () => issue('browser-only'),
        (item) => item?.severity === 'P1',
        'the server key raises it to P1',
      );
      expect(confirmed.severityRule).toBe('new-error-burst');
      expect(confirmed.serverEvents).toBe(12);
      // The server key is a secret: only admins read it back.
      const listed = (await mender.call('GET', '/api/projects')).json.projects as any[];
      expect(listed[0].serverKey).toBe(project.serverKey);
      const viewer = await mender.call('POST', '/api/users', { name: 'vera', role: 'viewer' });
      const seenByViewer = (await mender.call('GET', '/api/projects', undefined, { authorization: `Bearer ${viewer.json.token}` })).json.projects as any[];
      expect(seenByViewer[0].publicKey).toBe(project.publicKey);
      expect(seenByViewer[0]).not.toHaveProperty('serverKey');
      expect(JSON.stringify(seenByViewer)).not.toContain(project.serverKey);
    });
  });

  it("stops a detected issue's operation at the detector's cost ceiling, not people's", async () => {
    ({ model, mender, target } = await startCartPipeline(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }), {
      MENDER_MODEL_PRICES: JSON.stringify({ 'openai-compatible:scripted-model': { input: 1_000, output: 1_000 } }),
      MENDER_MAX_COST_PER_OPERATION: '100000',
      MENDER_MAX_DETECTOR_COST_PER_OPERATION: '0.01',
    }));
    const project = (await mender.call('POST', '/api/projects', { name: 'cart', repo: 'cart' })).json as { id: number; publicKey: string };
    const response = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: envelope(Array.from({ length: 12 }, () => errorEvent('total'))),
    });
    expect(response.status).toBe(200);
    const detected = await eventually(
      async () => ((await mender!.call('GET', '/api/operations?source=detector')).json.operations as any[])[0],
      (operation) => operation?.status === 'failed',
      'the detected operation stops',
    );
    expect(detected.failureReason).toMatch(/over the detector's limit of \$0\.01 \(MENDER_MAX_DETECTOR_COST_PER_OPERATION\)/);
  });
});
