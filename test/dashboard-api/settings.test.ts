import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.ts';
import { startMender } from '../../src/main/start-mender.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

const editableKeys = [
  'autonomyLevel',
  'twoPersonRule',
  'protectedPaths',
  'protectedPathAction',
  'maxAttempts',
  'maxSteps',
  'maxTokensPerOperation',
  'maxCostPerOperation',
  'maxOperationsPerHour',
  'maxOperationsPerDay',
  'planGate',
  'model',
  'plannerModel',
  'coderModel',
  'reviewerModel',
];

describe('settings in the dashboard', () => {
  let mender: MenderUnderTest;
  let admin: BrowserSession;
  let lead: BrowserSession;
  let stopped = false;

  beforeAll(async () => {
    mender = await startMenderUnderTest({ MENDER_MODEL_API_KEY: 'model-api-key-kept-secret', MENDER_MAX_STEPS: '30' });
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
  });
  afterAll(async () => {
    if (!stopped) await mender?.close();
  });

  const setting = (view: any, key: string) => view.editable.find((entry: { key: string }) => entry.key === key);

  it('lists the editable settings with type, bounds, options, source and value, and never a secret', async () => {
    const answer = await admin.call('GET', '/api/settings');
    expect(answer.status).toBe(200);
    expect(answer.json.editable.map((entry: { key: string }) => entry.key)).toEqual(editableKeys);
    expect(setting(answer.json, 'autonomyLevel')).toMatchObject({
      type: 'integer',
      min: 1,
      max: 3,
      source: 'default',
      value: 1,
      description: expect.stringContaining('Autonomy'),
    });
    expect(setting(answer.json, 'maxSteps')).toMatchObject({ type: 'integer', source: 'env', value: 30 });
    expect(setting(answer.json, 'twoPersonRule')).toMatchObject({ type: 'boolean', source: 'env', value: false });
    expect(setting(answer.json, 'protectedPathAction')).toMatchObject({ type: 'enum', options: ['require-admin', 'refuse'], value: 'require-admin' });
    expect(setting(answer.json, 'planGate')).toMatchObject({ type: 'string-list', options: ['debug', 'fix', 'implement', 'refactor'], value: ['implement'] });
    expect(setting(answer.json, 'model')).toMatchObject({ type: 'model', value: null, source: 'default' });
    expect(answer.json.settings).toMatchObject({ autonomyLevel: 1, maxSteps: 30, sandbox: 'bubblewrap', model: null, protectedPaths: null });
    expect(answer.json.settings).not.toHaveProperty('adminToken');
    expect(answer.json.settings).not.toHaveProperty('modelApiKey');
    expect(answer.text).not.toContain(adminToken);
    expect(answer.text).not.toContain('model-api-key-kept-secret');
  });

  it('is for admins only: a team lead gets 403 reading or changing', async () => {
    expect((await lead.call('GET', '/api/settings')).status).toBe(403);
    const change = await lead.call('PATCH', '/api/settings', { autonomyLevel: 3 });
    expect(change.status).toBe(403);
    expect(change.json.error.code).toBe('forbidden');
    expect(setting((await admin.call('GET', '/api/settings')).json, 'autonomyLevel').value).toBe(1);
  });

  it('changes settings live: the agent reports the new autonomy level, the change is audited and announced', async () => {
    const answer = await admin.call('PATCH', '/api/settings', {
      autonomyLevel: 2,
      protectedPaths: ['src/payments/**'],
      plannerModel: 'openai-compatible:planner-x',
    });
    expect(answer.status).toBe(200);
    expect(setting(answer.json, 'autonomyLevel')).toMatchObject({ value: 2, source: 'runtime' });
    expect(setting(answer.json, 'protectedPaths')).toMatchObject({ value: ['src/payments/**'], source: 'runtime' });
    expect(answer.json.settings.plannerModel).toBe('openai-compatible:planner-x');
    expect((await admin.call('GET', '/api/agent')).json.autonomyLevel).toBe(2);

    const audit = (await mender.call('GET', '/api/audit?action=settings.changed')).json.entries;
    expect(audit.map((entry: any) => [entry.actor, entry.subject, entry.details])).toEqual([
      ['ada', 'setting:autonomyLevel', { key: 'autonomyLevel', old: 1, new: 2 }],
      ['ada', 'setting:protectedPaths', { key: 'protectedPaths', old: null, new: ['src/payments/**'] }],
      ['ada', 'setting:plannerModel', { key: 'plannerModel', old: null, new: 'openai-compatible:planner-x' }],
    ]);
    expect((await mender.call('GET', '/api/audit/verify')).json.ok).toBe(true);

    // Clearing a clearable setting goes back to its fallback; an unchanged value records nothing.
    const cleared = await admin.call('PATCH', '/api/settings', { plannerModel: null, autonomyLevel: 2 });
    expect(cleared.status, cleared.text).toBe(200);
    expect(setting(cleared.json, 'plannerModel').value).toBeNull();
    const after = (await mender.call('GET', '/api/audit?action=settings.changed')).json.entries;
    expect(after).toHaveLength(4);
    expect(after[3].details).toEqual({ key: 'plannerModel', old: 'openai-compatible:planner-x', new: null });
  });

  it('refuses an unknown key, a fixed key or a bad value by name, and then changes nothing', async () => {
    const before = (await admin.call('GET', '/api/settings')).json;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ maxSteps: 12, nope: 1 }, 'nope', /unknown setting nope/],
      [{ maxSteps: 12, port: 9000 }, 'port', /cannot be changed at run time/],
      [{ maxSteps: 12, autonomyLevel: 4 }, 'autonomyLevel', /3/],
      [{ maxSteps: 12, autonomyLevel: '3' }, 'autonomyLevel', /must be a number/],
      [{ maxSteps: 12, maxSteps_: 1 }, 'maxSteps_', /unknown setting/],
      [{ maxSteps: 12, planGate: ['fix', 'deploy-everything'] }, 'planGate.1', /./],
      [{ maxSteps: 12, model: 'gpt-5' }, 'model', /provider:model/],
      [{ maxSteps: 12, maxAttempts: null }, 'maxAttempts', /cannot be cleared/],
      [{ maxSteps: 12, protectedPathAction: 'ignore' }, 'protectedPathAction', /./],
    ];
    for (const [body, key, message] of cases) {
      const answer = await admin.call('PATCH', '/api/settings', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe('invalid_settings');
      const named = Object.keys(answer.json.error.fields);
      expect(
        named.some((field) => field === key || field === key.split('.')[0]),
        `${JSON.stringify(body)} → ${answer.text}`,
      ).toBe(true);
      expect(answer.json.error.message).toMatch(message);
    }
    expect((await admin.call('PATCH', '/api/settings', {})).status).toBe(400);
    expect((await admin.call('GET', '/api/settings')).json).toEqual(before);
  });

  it('keeps runtime changes across a restart, over the environment', async () => {
    expect((await admin.call('PATCH', '/api/settings', { maxSteps: 17, twoPersonRule: true })).status).toBe(200);
    const dataDir = mender.dataDir;
    await mender.stop();
    stopped = true;
    const env = {
      MENDER_DATA_DIR: dataDir,
      MENDER_PORT: '0',
      MENDER_ADMIN_TOKEN: adminToken,
      MENDER_MAX_STEPS: '30',
      MENDER_TWO_PERSON_RULE: 'false',
      MENDER_LOG_LEVEL: 'warn',
    };
    const restarted = await startMender(loadSettings(env, dataDir), { env, logWrite: () => {}, listen: false });
    try {
      const answer = await restarted.app.request('/api/settings', { headers: { authorization: `Bearer ${adminToken}` } });
      const view = await answer.json();
      expect(setting(view, 'maxSteps')).toMatchObject({ value: 17, source: 'runtime' });
      expect(setting(view, 'twoPersonRule')).toMatchObject({ value: true, source: 'runtime' });
      expect(setting(view, 'autonomyLevel')).toMatchObject({ value: 2, source: 'runtime' });
    } finally {
      await restarted.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
