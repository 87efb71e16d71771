import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roleScript, type ScriptedModelServer, type ScriptHandler, type ScriptedReply } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

describe('failure paths', () => {
  let model: ScriptedModelServer | undefined;
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;

  afterEach(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    mender = undefined;
    model = undefined;
    target = undefined;
  });

  async function setUp(script: ScriptHandler | ScriptedReply[], env: Record<string, string> = {}) {
    ({ model, mender, target } = await startCartPipeline(script, env));
    return { mender, target, model };
  }

  const startFix = async (subject: MenderUnderTest) => {
    const created = await subject.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.any(String), status: 'queued' });
    return created.json.id as string;
  };

  it('fails after the configured attempts when the fix never turns green, leaving main and the worktrees untouched', async () => {
    const { mender, target, model } = await setUp(
      roleScript({ planner: plannerReplies, coder: coderReplies({ writeFix: false }), reviewer: reviewerReplies }),
      { MENDER_MAX_ATTEMPTS: '2' },
    );
    const before = target.head();
    const id = await startFix(mender);
    const operation = await mender.waitForStatus(id, ['failed', 'awaiting_approval']);
    expect(operation.status).toBe('failed');
    expect(operation.failureReason).toContain('did not verify after 2 attempt(s)');
    expect(operation.failureReason).toContain('the new tests still fail with the change: test/quantity.test.ts::multiplies the price by the quantity');
    expect(operation.attempts).toBe(2);
    expect(operation.evidence.attempts).toHaveLength(2);
    expect(operation.evidence.attempts[0].red.status).toBe('confirmed');
    expect(target.head()).toBe(before);
    expect(target.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(target.git('branch', '--list', 'mender/*')).toBe('');
    expect(fs.readdirSync(path.join(mender.dataDir, 'worktrees'))).toEqual([]);
    // The second attempt was told why the first did not verify.
    const secondAttempt = model.requests
      .filter((request) => request.role === 'coder')
      .find((request) => JSON.stringify(request.body).includes('Attempt 2 of 2'));
    expect(JSON.stringify(secondAttempt?.body)).toContain('the new tests still fail with the change');
    expect(model.requests.some((request) => request.role === 'reviewer')).toBe(false);
  });

  it('answers a path outside the worktree or a secret file with an error result and writes nothing', async () => {
    const escapes: ScriptedReply[] = [
      { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: '../escaped.txt', content: 'outside' } }] },
      { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: '/tmp/mender-escape-absolute.txt', content: 'outside' } }] },
      { toolCalls: [{ name: 'filesystem__readFile', arguments: { path: '.env' } }] },
    ];
    const coder = [...escapes, ...coderReplies()];
    const { mender, target, model } = await setUp(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }));
    const id = await startFix(mender);
    const operation = await mender.waitForStatus(id, ['failed', 'awaiting_approval']);
    expect(operation.status).toBe('awaiting_approval');
    expect(fs.existsSync(path.join(path.dirname(target.path), 'escaped.txt'))).toBe(false);
    expect(fs.existsSync(path.join(mender.dataDir, 'worktrees', 'escaped.txt'))).toBe(false);
    expect(fs.existsSync('/tmp/mender-escape-absolute.txt')).toBe(false);
    const coderRequests = model.requests.filter((request) => request.role === 'coder');
    const toolResults = coderRequests.map((request) => JSON.stringify(request.body.messages.at(-1)));
    expect(toolResults[1]).toContain('path_outside_root');
    expect(toolResults[2]).toContain('path_outside_root');
    expect(toolResults[3]).toContain('path_denied');
    expect(JSON.stringify(model.requests.map((request) => request.body))).not.toContain('sk_live_planted_secret_value');
    const refused = operation.timeline.filter((event: { type: string; data: { ok: boolean } }) => event.type === 'tool.called' && !event.data.ok);
    expect(refused.map((event: { data: { errorCode: string } }) => event.data.errorCode)).toEqual(['path_outside_root', 'path_outside_root', 'path_denied']);
  });

  it('retries a refusing model endpoint with backoff, then fails with a message that says what to check', async () => {
    const { mender, model } = await setUp(() => ({ httpError: { status: 503, headers: { 'retry-after-ms': '10' } } }), { MENDER_MODEL_RETRIES: '2' });
    const id = await startFix(mender);
    const operation = await mender.waitForStatus(id, ['failed']);
    expect(model.requests).toHaveLength(3);
    expect(operation.failureReason).toMatch(
      /the planner model openai-compatible:scripted-model at http:\/\/127\.0\.0\.1:\d+\/v1 failed after 3 attempts with backoff; last error: HTTP 503/,
    );
    expect(operation.failureReason).toContain('MENDER_MODEL_BASE_URL');
  });

  it('gives up on a model endpoint that does not answer within the timeout, after retrying', async () => {
    const { mender, model } = await setUp(() => ({ hang: true }), { MENDER_MODEL_RETRIES: '1', MENDER_MODEL_TIMEOUT_SECONDS: '1' });
    const id = await startFix(mender);
    const operation = await mender.waitForStatus(id, ['failed'], 30_000);
    expect(model.requests).toHaveLength(2);
    expect(operation.failureReason).toContain('failed after 2 attempts with backoff');
    expect(operation.failureReason).toContain('did not answer within 1000 ms');
  });

  it('fails at planning with the exact setting to give when no model is configured', async () => {
    mender = await startMenderUnderTest({});
    target = createTargetRepository();
    await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    const id = await startFix(mender);
    const operation = await mender.waitForStatus(id, ['failed']);
    expect(operation.failureReason).toContain('no model is configured for the planner: set MENDER_MODEL=provider:model');
  });
});

describe('bad requests change nothing', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;

  afterEach(async () => {
    await mender.close();
    target.cleanup();
  });

  it('answers 400 with field errors, 404 naming the unknown repository, 401, 409, 413 and 415', async () => {
    mender = await startMenderUnderTest({});
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);

    const invalid = await mender.call('POST', '/api/operations', { type: 'explode', description: '', repo: 'cart', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.json.error.fields).sort()).toEqual(['(body)', 'description', 'type']);
    expect(invalid.json.error.message).toContain('type:');

    const unknown = await mender.call('POST', '/api/operations', { type: 'fix', description: 'x', repo: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('repository "nope" is not registered (registered: cart): add it with `mender repo add <path>` or POST /api/repos');

    const malformed = await mender.call('POST', '/api/operations', '{"type": "fix",', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('malformed_json');

    const notJson = await mender.call('POST', '/api/operations', 'type=fix', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(415);

    const huge = await mender.call('POST', '/api/operations', { type: 'fix', description: 'x'.repeat(1_100_000), repo: 'cart' });
    expect(huge.status).toBe(413);

    const unauthorized = await mender.app.request('/api/operations', { headers: { authorization: 'Bearer wrong-token-wrong-token' } });
    expect(unauthorized.status).toBe(401);

    const duplicate = await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    expect(duplicate.status).toBe(409);
    const notGit = await mender.call('POST', '/api/repos', { name: 'tmp', path: mender.dataDir });
    expect(notGit.status).toBe(400);
    expect(notGit.json.error.fields.path[0]).toContain('is not a git repository');

    const missing = await mender.call('GET', '/api/operations/doesnotexist');
    expect(missing.status).toBe(404);
    expect((await mender.call('GET', '/api/operations')).json.operations).toEqual([]);
  });
});
