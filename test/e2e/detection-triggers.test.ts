import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { envelope, errorEvent } from '../support/sentry-events.ts';

async function eventually<Value>(probe: () => Promise<Value>, accept: (value: Value) => boolean, what: string, timeoutMs = 60_000): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  let last: Value;
  do {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  throw new Error(`${what}: last seen ${JSON.stringify(last, null, 1).slice(0, 2000)}`);
}

describe('what detected issues set off', () => {
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await mender?.close();
    target?.cleanup();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function setUp(env: Record<string, string> = {}) {
    target = createTargetRepository();
    mender = await startMenderUnderTest(env);
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const send = async (events: Record<string, unknown>[]) => {
      const response = await mender!.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope(events) });
      expect(response.status).toBe(200);
    };
    const issue = async (functionName: string) =>
      ((await mender!.call('GET', '/api/issues?limit=500')).json.issues as any[]).find((item) => item.title === `TypeError: broken in ${functionName}`);
    return { project, send, issue };
  }

  it('starts one fix per P1 issue, follows its operation, and waits for a human after three failed operations', async () => {
    // No model is configured: each operation fails in planning, which is what this test needs.
    const { send, issue } = await setUp({ MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0' });
    await send(Array.from({ length: 12 }, () => errorEvent('checkout')));
    const first = await eventually(
      () => issue('checkout'),
      (item) => item?.operations.length === 1 && item.status === 'failed',
      'the first operation fails',
    );
    expect(first).toMatchObject({ severity: 'P1', severityRule: 'new-error-burst', failedAttempts: 1 });
    for (let round = 0; round < 4; round += 1) {
      await send([errorEvent('checkout')]);
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    const held = await eventually(
      () => issue('checkout'),
      (item) => item?.failedAttempts === 3 && item.operations.every((operation: { status: string }) => operation.status === 'failed'),
      'three failed operations',
    );
    expect(held.operations).toHaveLength(3);
    expect(held.holdReason).toMatch(/waiting for a human: 3 fix operations failed/);
    await send(Array.from({ length: 5 }, () => errorEvent('checkout')));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await issue('checkout')).operations).toHaveLength(3);
    const resolved = await mender!.call('POST', `/api/issues/${held.id}/resolve`, {});
    expect(resolved.json).toMatchObject({ status: 'resolved' });
  }, 180_000);

  it('follows a retried operation that merged, though a later operation of the issue failed', async () => {
    // The model fails the first two plans (two operations fail), then answers as usual.
    let plans = 0;
    const coder = coderReplies();
    const model = await startScriptedModelServer(
      roleScript({
        planner: () => (++plans <= 2 ? { httpError: { status: 500 } } : plannerReplies[0]!),
        coder: (request) => coder[countAssistantTurns(request.body)] ?? { text: 'done' },
        reviewer: reviewerReplies,
      }),
    );
    cleanups.push(() => void model.close());
    const { send, issue } = await setUp({
      MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0',
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_TWO_PERSON_RULE: 'false',
    });
    await send(Array.from({ length: 12 }, () => errorEvent('pay')));
    await eventually(
      () => issue('pay'),
      (item) => item?.operations.length === 1 && item.status === 'failed',
      'the first operation fails',
    );
    await send([errorEvent('pay')]);
    const twice = await eventually(
      () => issue('pay'),
      // The issue still reads failed from the first operation while the second plans, so wait on the operations.
      (item) => item?.operations.length === 2 && item.operations.every((operation: { status: string }) => operation.status === 'failed'),
      'the second operation fails',
    );
    // A person retries the first one; it is fixed, approved and merged.
    const first = twice.operations[0].id as string;
    expect((await mender!.call('POST', `/api/operations/${first}/retry`, {})).status).toBe(200);
    const retried = await mender!.waitForStatus(first, ['awaiting_approval', 'failed']);
    expect(retried.status, retried.failureReason).toBe('awaiting_approval');
    expect((await mender!.call('POST', `/api/operations/${first}/approve`, { comment: 'ship it' })).status).toBe(200);
    expect((await mender!.waitForStatus(first, ['done', 'failed'])).status).toBe('done');
    const fixed = await eventually(
      () => issue('pay'),
      (item) => item?.status === 'fixed',
      'the issue reads fixed',
      15_000,
    );
    expect(fixed.statusReason).toContain(first);
  }, 180_000);

  it('keeps going when the operation budget is spent: the issue says so and a retry is scheduled', async () => {
    const { send, issue } = await setUp({ MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR: '1' });
    await send(Array.from({ length: 12 }, () => errorEvent('first')));
    await eventually(
      () => issue('first'),
      (item) => item?.operations.length === 1,
      'the first issue gets its operation',
    );
    await send(Array.from({ length: 12 }, () => errorEvent('second')));
    const second = await eventually(
      () => issue('second'),
      (item) => /operation limit reached/.test(item?.statusReason ?? ''),
      'the second issue reports the budget',
    );
    expect(second.operations).toEqual([]);
    expect(second.statusReason).toMatch(/MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR.*trying again at/);
    // The digest is not stuck: later events are still grouped.
    await send([errorEvent('third')]);
    await eventually(
      () => issue('third'),
      (item) => item?.count === 1,
      'a later event is grouped',
    );
  }, 180_000);

  it('makes a failing health check P0 and suppresses the lower-severity issues that appear during it', async () => {
    const health = http.createServer((_request, response) => {
      response.writeHead(503);
      response.end('down');
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => health.close());
    const healthUrl = `http://127.0.0.1:${(health.address() as { port: number }).port}/health`;
    // A model that never answers keeps the P0's operation planning, so the P0 stays active.
    const silentModel = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silentModel.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      silentModel.closeAllConnections();
      silentModel.close();
    });
    const { send, issue } = await setUp({
      MENDER_DETECT_HEALTH_CHECKS: JSON.stringify([{ url: healthUrl, project: 'shop', intervalSeconds: 0.3, timeoutMs: 1000 }]),
      MENDER_MODEL: 'openai-compatible:silent',
      MENDER_MODEL_BASE_URL: `http://127.0.0.1:${(silentModel.address() as { port: number }).port}/v1`,
    });
    const p0 = await eventually(
      async () => ((await mender!.call('GET', '/api/issues?severity=P0')).json.issues as any[])[0],
      (item) => item?.operations.length === 1,
      'the health check issue starts a fix',
    );
    expect(p0).toMatchObject({ severity: 'P0', severityRule: 'health-check-failing', source: 'health', level: 'fatal' });
    expect(p0.title).toMatch(/^Health check failed: GET .*: status 503, expected 200$/);
    await send(Array.from({ length: 12 }, () => errorEvent('caused')));
    const suppressed = await eventually(
      () => issue('caused'),
      (item) => item?.suppressedBy === p0.id,
      'the P1 issue is suppressed',
    );
    expect(suppressed.severity).toBe('P1');
    expect(suppressed.operations).toEqual([]);
    expect(suppressed.statusReason).toMatch(/suppressed: P0 issue/);
    expect((await mender!.call('GET', `/api/issues/${p0.id}`)).json.status).toBe('diagnosing');
    const detail = (await mender!.call('GET', `/api/issues/${p0.id}`)).json;
    expect(detail.count).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('schedules P2 fixes for later, logs P4, and reopens a resolved issue only for a newer release', async () => {
    const { send, issue } = await setUp({ MENDER_DETECT_P2_DELAY_SECONDS: '1' });
    await send([errorEvent('p2', { release: 'shop@1.0.0' }), errorEvent('p2', { release: 'shop@1.0.0' }), errorEvent('p2', { release: 'shop@1.0.0' })]);
    const scheduled = await eventually(
      () => issue('p2'),
      (item) => /P2: a fix starts at/.test(item?.statusReason ?? ''),
      'the P2 fix is scheduled',
    );
    expect(scheduled).toMatchObject({ severity: 'P2', severityRule: 'frequent-error', operations: [] });
    const started = await eventually(
      () => issue('p2'),
      (item) => item?.operations.length === 1,
      'the delayed job starts the fix',
    );
    const operation = (await mender!.call('GET', `/api/operations/${started.operations[0].id}`)).json;
    expect(operation.errorContext).toMatchObject({ severity: 'P2', issueId: started.id });

    await send([{ ...errorEvent('warned'), level: 'warning' }]);
    const logged = await eventually(
      () => issue('warned'),
      (item) => item?.statusReason?.startsWith('P4'),
      'the warning is logged',
    );
    expect(logged).toMatchObject({ severity: 'P4', severityRule: 'info-or-warning', operations: [] });

    expect((await mender!.call('POST', `/api/issues/${started.id}/resolve`, {})).json).toMatchObject({ status: 'resolved', resolvedRelease: 'shop@1.0.0' });
    await send([errorEvent('p2', { release: 'shop@0.9.0' })]);
    await eventually(
      () => issue('p2'),
      (item) => item?.count === 4,
      'the old-release event is counted',
    );
    expect((await issue('p2')).status).toBe('resolved');
    await send([errorEvent('p2', { release: 'shop@1.1.0' })]);
    const regressed = await eventually(
      () => issue('p2'),
      (item) => item?.status === 'regressed',
      'a newer release regresses the issue',
    );
    expect(regressed).toMatchObject({ resolvedRelease: 'shop@1.0.0', count: 5 });
    expect(regressed.releases).toEqual(['shop@1.0.0', 'shop@0.9.0', 'shop@1.1.0']);
  }, 180_000);

  it('turns error lines from the log endpoint and from followed log files into events', async () => {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-log-tail-')), 'app.log');
    fs.writeFileSync(logFile, 'ERROR old line before Mender started\n');
    cleanups.push(() => fs.rmSync(path.dirname(logFile), { recursive: true, force: true }));
    const { project } = await setUp({ MENDER_DETECT_LOG_FILES: JSON.stringify([{ path: logFile, project: 'shop' }]) });
    const lines = [
      JSON.stringify({ level: 'info', msg: 'started' }),
      JSON.stringify({ level: 50, msg: 'payment failed for order 1234', stack: 'Error: payment failed for order 1234\n    at charge (/srv/app/pay.js:12:5)' }),
      'ERROR queue stalled after 30 s',
      'all good',
    ].join('\n');
    const wrongKey = await mender!.app.request(`/api/logs/${project.id}?sentry_key=nope`, { method: 'POST', body: lines });
    expect(wrongKey.status).toBe(401);
    const response = await mender!.app.request(`/api/logs/${project.id}?sentry_key=${project.publicKey}`, { method: 'POST', body: lines });
    expect(await response.json()).toEqual({ lines: 4, events: 2 });
    const titles = async () => ((await mender!.call('GET', '/api/issues')).json.issues as { title: string }[]).map((item) => item.title).sort();
    await eventually(titles, (list) => list.length === 2, 'two log issues');
    expect(await titles()).toEqual(['ERROR queue stalled after 30 s', 'Error: payment failed for order 1234']);

    fs.appendFileSync(logFile, 'INFO fine\nFATAL disk full on /var\n');
    await eventually(titles, (list) => list.includes('FATAL disk full on /var'), 'an appended line is read');
    fs.writeFileSync(logFile, 'ERROR after truncation\n');
    await eventually(titles, (list) => list.includes('ERROR after truncation'), 'a truncated file is read from the top');
    fs.renameSync(logFile, `${logFile}.1`);
    fs.writeFileSync(logFile, 'TypeError: after rotation\n');
    await eventually(titles, (list) => list.includes('TypeError: after rotation'), 'a rotated file is followed');
    expect((await titles()).some((title) => title.includes('old line'))).toBe(false);
  }, 180_000);
});
