import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { envelope, errorEvent } from '../support/sentry-events.ts';

// `POST /api/issues/:id/fix`: a person starts (or retries) the fix of a detected issue on the
// detector's own path. The model never answers, so an operation stays at work until cancelled.
describe('starting the fix of an issue by hand', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let issueId = '';
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const tokens = { lead: '', viewer: '' };
  const issue = async () => (await mender.call('GET', `/api/issues/${issueId}`)).json;

  beforeAll(async () => {
    model = await startScriptedModelServer(() => ({ hang: true }));
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url });
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    for (const [key, role] of [
      ['lead', 'team-lead'],
      ['viewer', 'viewer'],
    ] as const) {
      const created = await mender.call('POST', '/api/users', { name: `${key}-person`, role });
      expect(created.status, created.text).toBe(201);
      tokens[key] = created.json.token;
    }
    // One event: a P3, whose own fix would start only in a day.
    const sent = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: envelope([errorEvent('checkout')]),
    });
    expect(sent.status).toBe(200);
    for (let waited = 0; !issueId && waited < 20_000; waited += 100) {
      issueId = (await mender.call('GET', '/api/issues')).json.issues[0]?.id ?? '';
      if (!issueId) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(issueId).not.toBe('');
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  it('refuses a viewer and an unknown issue, and offers a start while no operation works on the issue', async () => {
    expect(await issue()).toMatchObject({ severity: 'P3', operations: [], fixAction: 'start' });
    const refused = await mender.call('POST', `/api/issues/${issueId}/fix`, {}, as(tokens.viewer));
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/^viewer-person is a viewer/);
    expect((await issue()).operations).toEqual([]);
    const unknown = await mender.call('POST', '/api/issues/no-such-issue/fix', {}, as(tokens.lead));
    expect(unknown.status).toBe(404);
  });

  it('starts a fix linked to the issue, and answers 409 naming the operation while it is at work', async () => {
    const started = await mender.call('POST', `/api/issues/${issueId}/fix`, {}, as(tokens.lead));
    expect(started.status, started.text).toBe(201);
    const operationId = started.json.operationId as string;
    const operation = (await mender.call('GET', `/api/operations/${operationId}`)).json;
    expect(operation).toMatchObject({ source: 'detector', type: 'fix', createdBy: 'lead-person', errorContext: { issueId, severity: 'P3' } });
    expect(operation.description).toContain(`issue ${issueId}`);
    const shown = await issue();
    expect(shown.operations.map((item: { id: string }) => item.id)).toEqual([operationId]);
    expect(shown.fixAction).toBeNull();
    expect(shown.statusReason).toContain(`operation ${operationId} started by lead-person`);

    const again = await mender.call('POST', `/api/issues/${issueId}/fix`, {}, as(tokens.lead));
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain(`operation ${operationId} is already working on issue ${issueId}`);
    expect((await issue()).operations).toHaveLength(1);
  });

  it('offers a retry once the operation gave up, and the retry lifts the hold it left', async () => {
    const [first] = (await issue()).operations as { id: string }[];
    expect((await mender.call('POST', `/api/operations/${first!.id}/cancel`, {}, as(tokens.lead))).status).toBe(200);
    let held = await issue();
    for (let waited = 0; !(held.fixAction === 'retry' && held.holdReason) && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      held = await issue();
    }
    expect(held).toMatchObject({ fixAction: 'retry', status: 'failed' });
    expect(held.holdReason).toMatch(/waiting for a human: operation .* was cancelled/);

    const retried = await mender.call('POST', `/api/issues/${issueId}/fix`, {}, as(tokens.lead));
    expect(retried.status, retried.text).toBe(201);
    const after = await issue();
    expect(after.operations.map((item: { id: string }) => item.id)).toEqual([first!.id, retried.json.operationId]);
    expect(after.holdReason).toBeNull();
    expect(after.fixAction).toBeNull();
    await mender.call('POST', `/api/operations/${retried.json.operationId}/cancel`, {}, as(tokens.lead));
  });
});
