import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { copyMenderCheckout, type MenderCheckout } from '../support/mender-checkout.ts';
import { freePort, startMenderProcess, type MenderProcess } from '../support/mender-process.ts';
import { eventually } from '../support/eventually.ts';
import { pollHealth } from '../support/health-poller.ts';
import type { SelfState } from '../../src/domain/self-update-vocabulary.ts';

const token = 'self-update-admin-token-0123456789';

// The change the scripted coder makes to Mender's own code: /health names the release it serves.
const healthBody = `/** What /health answers once Mender is ready: its status and the release it serves. */
export function healthBody(): { status: 'ok'; release: string } {
  return { status: 'ok', release: 'self-updated' };
}
`;
const healthBodyTest = `import { describe, expect, it } from 'vitest';
import { healthBody } from './health-body.ts';

describe('the /health answer', () => {
  it('names the release it serves', () => {
    expect(healthBody()).toEqual({ status: 'ok', release: 'self-updated' });
  });
});
`;

const plan = {
  summary: '/health names the release it serves',
  rootCause: 'the /health answer is only a status',
  affectedFiles: ['src/server/health-body.ts', 'src/server/health-body.test.ts', 'src/server/readiness.ts'],
  steps: [
    { type: 'test', description: 'A test of the /health answer', files: ['src/server/health-body.test.ts'] },
    { type: 'implement', description: 'healthBody() and /health using it', files: ['src/server/health-body.ts', 'src/server/readiness.ts'] },
    { type: 'verify', description: 'Run the server tests' },
  ],
  testCommand: 'npx vitest run src/server',
  estimatedMinutes: 5,
  riskLevel: 'low',
  risks: [],
};

describe('Mender maintains itself: a change to its own code, merged, becomes the running version without a refused request', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-self-'));
  const dataDir = path.join(root, 'data');
  let checkout: MenderCheckout;
  let model: ScriptedModelServer;
  let mender: MenderProcess;

  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${mender.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  const operationIn = (id: string, statuses: string[], timeoutMs: number) =>
    eventually(
      async () => (await api('GET', `/api/operations/${id}`)).json,
      (operation) => [...statuses, 'failed', 'rejected', 'cancelled'].includes(operation.status),
      `operation ${id} to be ${statuses.join(' or ')}`,
      timeoutMs,
    );
  const state = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'self', 'state.json'), 'utf8')) as SelfState;

  beforeAll(async () => {
    checkout = copyMenderCheckout(path.join(root, 'mender'));
    const readiness = fs.readFileSync(path.join(checkout.folder, 'src/server/readiness.ts'), 'utf8');
    const changedReadiness = readiness
      .replace("c.json({ status: 'ok' })", 'c.json(healthBody())')
      .replace(
        "import type { Database } from '../store/database.ts';",
        "import type { Database } from '../store/database.ts';\nimport { healthBody } from './health-body.ts';",
      );
    expect(changedReadiness).toContain("import { healthBody } from './health-body.ts';");
    expect(changedReadiness).toContain('c.json(healthBody())');
    model = await startScriptedModelServer(
      roleScript({
        planner: [{ toolCalls: [{ name: 'submit_plan', arguments: plan }] }],
        coder: [
          { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/server/health-body.test.ts', content: healthBodyTest } }] },
          { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/server/health-body.ts', content: healthBody } }] },
          { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/server/readiness.ts', content: changedReadiness } }] },
          { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
          { toolCalls: [{ name: 'finish', arguments: { summary: '/health answers healthBody(), which names the release.' } }] },
        ],
        reviewer: [{ toolCalls: [{ name: 'submit_review', arguments: { summary: 'Small and tested.', verdict: 'approve', findings: [] } }] }],
      }),
    );
    const config = path.join(root, 'mender.config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        repos: [
          {
            name: 'mender',
            path: checkout.folder,
            self: true,
            // Mender's own checks, narrowed to the part this change touches so the test stays short.
            commands: { test: 'npx vitest run src/server', typecheck: 'npx tsc --noEmit', lint: 'npx eslint src/server' },
          },
        ],
      }),
    );
    mender = await startMenderProcess({
      command: [process.execPath, path.join(checkout.folder, 'bin', 'mender.mjs')],
      supervised: true,
      port: await freePort(),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MENDER_CONFIG: config,
        MENDER_DATA_DIR: dataDir,
        MENDER_ADMIN_TOKEN: token,
        MENDER_TWO_PERSON_RULE: 'false',
        MENDER_MODEL: 'openai-compatible:scripted-model',
        MENDER_MODEL_BASE_URL: model.url,
        MENDER_MODEL_API_KEY: 'model-key-not-secret',
        MENDER_MODEL_RETRIES: '0',
        MENDER_SELF_PROBATION_SECONDS: '2',
        MENDER_SELF_HEALTH_INTERVAL_SECONDS: '1',
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (mender?.child.exitCode === null) {
      const exited = new Promise((resolve) => mender.child.once('exit', resolve));
      mender.child.kill('SIGTERM');
      await exited;
    }
    await model?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('plans, verifies and merges the change, then the supervisor switches to it and blesses it', async () => {
    const before = state();
    expect(before.active).toMatchObject({ slot: 'checkout', folder: fs.realpathSync(checkout.folder) });
    const created = await api('POST', '/api/operations', { type: 'implement', repo: 'mender', description: 'Make /health name the release it serves' });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    // Implementing asks a person twice by default: the plan, then the change.
    const planned = await operationIn(id, ['awaiting_plan_approval'], 60_000);
    expect(planned.status, planned.failureReason).toBe('awaiting_plan_approval');
    expect((await api('POST', `/api/operations/${id}/approve`, {})).status).toBe(200);
    const waiting = await operationIn(id, ['awaiting_approval'], 240_000);
    expect(waiting.status, waiting.failureReason).toBe('awaiting_approval');
    expect(waiting.evidence.red.status).toBe('confirmed');
    expect(waiting.evidence.green.status).toBe('passed');
    console.log(JSON.stringify(waiting.evidence.checks ?? Object.keys(waiting.evidence)).slice(0, 3000));

    const poller = pollHealth(mender.url, 50);
    const approved = await api('POST', `/api/operations/${id}/approve`, { comment: 'ship it to ourselves' });
    expect(approved.status).toBe(200);
    const done = await operationIn(id, ['done', 'rolled_back'], 180_000);
    const seen = await poller.stop();
    expect(done.status, JSON.stringify(state().history[0])).toBe('done');

    // Every poll was answered; one waited through the handover at most; the new field arrived.
    expect(seen.refused).toBe(0);
    expect(seen.failed).toEqual([]);
    expect(seen.slow).toBeLessThanOrEqual(1);
    expect(seen.bodies.at(-1)).toEqual({ status: 'ok', release: 'self-updated' });
    const after = state();
    expect(after.history[0]).toMatchObject({ phase: 'blessed', operationId: id, probation: { stepCompleted: true } });
    expect(after.active).toMatchObject({ slot: 'a', commit: done.mergeCommit });
    expect(after.previous).toMatchObject({ slot: 'b', commit: before.active.commit });
    const types = (done.timeline as { type: string }[]).map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'change.merged',
        'self_update.requested',
        'self_update.prepared',
        'self_update.switched',
        'self_update.trial_step',
        'self_update.blessed',
        'operation.done',
      ]),
    );
    expect((await api('GET', '/api/audit/verify')).json).toMatchObject({ ok: true });
    // The running version reads its supervisor's state: GET /api/self (and `mender self status`).
    const self = (await api('GET', '/api/self')).json;
    expect(self).toMatchObject({ supervised: true, repo: 'mender', state: { active: { slot: 'a', commit: done.mergeCommit }, previous: { slot: 'b' } } });
    const merged = Date.parse((done.timeline as { type: string; at: string }[]).find((event) => event.type === 'change.merged')!.at);
    const firstNew = seen.answers.find((answer) => answer.body?.release === 'self-updated')!;
    console.log(
      `self-update: longest gap between /health answers ${seen.longestGapMs} ms (target ≤ 1000), merge → new version serving ${firstNew.at - merged} ms, ` +
        `prepare ${after.history[0]!.timings.prepareMs} ms, handover ${after.history[0]!.timings.handoverMs} ms, ${seen.answers.length} answers`,
    );
  }, 480_000);
});
