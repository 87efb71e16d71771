import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

/** The cart repository with its test script replaced, committed on main. */
function cartWithTestScript(test: string): TargetRepository {
  const target = createTargetRepository();
  const manifest = JSON.parse(fs.readFileSync(path.join(target.path, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  if (manifest.scripts.test === test) return target;
  manifest.scripts.test = test;
  fs.writeFileSync(path.join(target.path, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  target.git('commit', '-q', '-am', 'test script');
  return target;
}

describe('a suite that fails before any change is diagnosed, not retried', () => {
  let model: ScriptedModelServer;
  let compared: MenderUnderTest;
  let uncompared: MenderUnderTest;
  const targets: TargetRepository[] = [];
  // A folder that exists outside the sandbox only (the sandbox has a private /tmp).
  const outsideOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-sandbox-'));

  beforeAll(async () => {
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    const env = { MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url, MENDER_MAX_ATTEMPTS: '3' };
    compared = await startMenderUnderTest({ ...env, MENDER_BASELINE_COMPARE_UNSANDBOXED: 'true' });
    uncompared = await startMenderUnderTest(env);
  });
  afterAll(async () => {
    await compared?.close();
    await uncompared?.close();
    await model?.close();
    for (const target of targets) target.cleanup();
    fs.rmSync(outsideOnly, { recursive: true, force: true });
  });

  async function fixIn(mender: MenderUnderTest, name: string, test: string, prepare?: (target: TargetRepository) => void) {
    const target = cartWithTestScript(test);
    prepare?.(target);
    targets.push(target);
    expect((await mender.call('POST', '/api/repos', { name, path: target.path })).status).toBe(201);
    const coderCallsBefore = model.requests.filter((request) => request.role === 'coder').length;
    const created = await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: name });
    expect(created.status).toBe(201);
    const operation = await mender.waitForStatus(created.json.id, ['failed', 'awaiting_approval', 'done']);
    return { operation, coderCalls: model.requests.filter((request) => request.role === 'coder').length - coderCallsBefore };
  }

  it('stops at once when only the sandbox makes it fail, and says so with what to set', { timeout: 120_000 }, async () => {
    const { operation, coderCalls } = await fixIn(
      compared,
      'sandbox-fault',
      `node -e "require('fs').writeFileSync('${outsideOnly}/stamp', 'x')" && vitest run`,
    );
    expect(operation.status).toBe('failed');
    expect(operation.attempts).toBe(0);
    expect(coderCalls).toBe(0);
    expect(operation.failureReason).toContain('fails before any change');
    expect(operation.failureReason).toContain('the sandbox is at fault');
    expect(operation.failureReason).toContain('MENDER_SANDBOX=off');
    expect(operation.evidence.baselineDiagnosis).toMatchObject({ command: 'npm test', comparison: { ran: true, exitCode: 0 } });
    expect(operation.evidence.baselineDiagnosis.outputTail).toContain('ENOENT');
    expect(operation.timeline.map((event: { type: string }) => event.type)).toContain('baseline.failed');
  });

  it('stops at once when the repository fails on its own, outside the sandbox too', { timeout: 120_000 }, async () => {
    const { operation, coderCalls } = await fixIn(compared, 'repository-fault', 'vitest run && node -e "console.error(\'bundle too large\'); process.exit(3)"');
    expect(operation.status).toBe('failed');
    expect(coderCalls).toBe(0);
    expect(operation.failureReason).toContain('the repository fails on its own');
    expect(operation.failureReason).toContain('green cannot be proven');
    expect(operation.evidence.baselineDiagnosis).toMatchObject({ comparison: { ran: true, exitCode: 3 } });
    expect(operation.evidence.baselineDiagnosis.outputTail).toContain('bundle too large');
  });

  it('without the comparison setting, says how to turn it on and still makes no attempt', { timeout: 120_000 }, async () => {
    const { operation, coderCalls } = await fixIn(uncompared, 'not-compared', 'vitest run && node -e "process.exit(4)"');
    expect(operation.status).toBe('failed');
    expect(coderCalls).toBe(0);
    expect(operation.failureReason).toContain('MENDER_BASELINE_COMPARE_UNSANDBOXED=true');
    expect(operation.evidence.baselineDiagnosis).toMatchObject({ exitCode: 4, comparison: { ran: false } });
  });

  it('goes on when the failing tests are named, and does not count them as new failures', { timeout: 120_000 }, async () => {
    const addBrokenTest = (target: TargetRepository) => {
      fs.writeFileSync(
        path.join(target.path, 'test/clock.test.ts'),
        "import { expect, it } from 'vitest';\nit('depends on the year', () => expect(new Date(0).getUTCFullYear()).toBe(1971));\n",
      );
      target.git('add', '-A');
      target.git('commit', '-q', '-m', 'a test that already fails');
    };
    const { operation, coderCalls } = await fixIn(uncompared, 'named-failure', 'vitest run', addBrokenTest);
    expect(operation.status, operation.failureReason).toBe('awaiting_approval');
    expect(coderCalls).toBeGreaterThan(0);
    expect(operation.evidence.baselineDiagnosis).toBeUndefined();
    expect(operation.evidence.baseline.failingIds).toEqual(['test/clock.test.ts::depends on the year']);
    expect(operation.evidence.green).toMatchObject({ status: 'passed', newFailures: [] });
    expect(operation.evidence.green.run.failures.map((failure: { id: string }) => failure.id)).toEqual(['test/clock.test.ts::depends on the year']);
  });
});
