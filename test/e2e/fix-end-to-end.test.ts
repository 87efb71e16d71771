import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, fixedCart, quantityTest, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

const runFile = promisify(execFile);
const menderBin = path.resolve(import.meta.dirname, '../../bin/mender.mjs');

describe('mender fix, end to end on embedded defaults', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let cliEnv: NodeJS.ProcessEnv;
  const cli = async (...args: string[]) =>
    runFile(process.execPath, [menderBin, ...args], { env: cliEnv, encoding: 'utf8' }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });

  beforeAll(async () => {
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    mender = await startMenderUnderTest({
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_MODEL_API_KEY: 'model-key-not-secret',
      MENDER_MODEL_PRICES: JSON.stringify({ 'openai-compatible:scripted-model': { input: 3, output: 15 } }),
    });
    target = createTargetRepository();
    cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir };
  });
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  it('plans, proves red then green, waits for approval, and merges the fix into main', async () => {
    const initialHead = target.head();
    const added = await cli('repo', 'add', target.path, '--name', 'cart', '--json');
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'cart', defaultBranch: 'main', detectedCommands: { test: 'npm test' } });

    const fixed = await cli('fix', 'total() ignores quantity: 3 items at 4 cost 4 instead of 12', '--repo', 'cart', '--wait', '--json');
    const operation = JSON.parse(fixed.stdout);
    expect(operation.status).toBe('awaiting_approval');
    expect(target.head()).toBe(initialHead);

    // The pipeline's own evidence: the new test failed against the old code, and passes now.
    expect(operation.evidence.red.status).toBe('confirmed');
    expect(operation.evidence.red.newlyFailing).toEqual(['test/quantity.test.ts::multiplies the price by the quantity']);
    expect(operation.evidence.green).toMatchObject({ status: 'passed', newFailures: [], stillFailing: [] });
    expect(operation.evidence.baseline).toMatchObject({ passed: 2, failed: 0 });
    expect(operation.plan.rootCause).toContain('quantity');
    expect(operation.planMarkdown).toContain('# Plan');
    expect(operation.review.verdict).toBe('approve');
    expect(operation.branch).toMatch(/^mender\/[a-z0-9]{10}-total-ignores-quantity/);
    expect(operation.usage.planner.inputTokens).toBeGreaterThan(0);
    expect(operation.usage.coder.calls).toBe(5);
    expect(operation.changeRequest).toMatchObject({ status: 'open', branch: operation.branch });

    const diff = await cli('diff', operation.id);
    expect(diff.stdout).toContain('+++ b/test/quantity.test.ts');
    expect(diff.stdout).toContain('item.price * item.quantity');

    const approved = await cli('approve', operation.id, '--comment', 'looks right', '--json');
    expect(JSON.parse(approved.stdout).status).toBe('merging');
    const done = await mender.waitForStatus(operation.id, ['done', 'failed']);
    expect(done.status).toBe('done');

    // main holds exactly the verified change, as one commit on top of the old head, and its tests pass.
    expect(target.git('rev-parse', 'main^')).toBe(initialHead);
    expect(target.git('log', '-1', '--format=%s', 'main')).toMatch(/^fix\(cart\): multiply price by quantity/);
    expect(target.git('log', '-1', '--format=%b', 'main')).toContain(`Mender-Operation: ${operation.id}`);
    expect(fs.readFileSync(path.join(target.path, 'src/cart.ts'), 'utf8')).toBe(fixedCart);
    expect(fs.readFileSync(path.join(target.path, 'test/quantity.test.ts'), 'utf8')).toBe(quantityTest);
    execFileSync('npm', ['test'], { cwd: target.path, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(target.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(target.git('branch', '--list', 'mender/*')).toBe('');

    const types = done.timeline.map((event: { type: string }) => event.type);
    for (const step of [
      'operation.created',
      'planning.started',
      'plan.created',
      'worktree.created',
      'baseline.recorded',
      'attempt.started',
      'tool.called',
      'verification.started',
      'verification.passed',
      'approval.requested',
      'change.approved',
      'change.merged',
      'operation.done',
    ]) {
      expect(types).toContain(step);
    }
    expect(done.approvals).toEqual(expect.arrayContaining([expect.objectContaining({ gate: 'change', decision: 'approved', comment: 'looks right' })]));

    // Every model call went through the OpenAI wire format; the planted secret never reached it.
    expect(model.requests.map((request) => request.role)).toEqual(['planner', 'coder', 'coder', 'coder', 'coder', 'coder', 'reviewer']);
    expect(JSON.stringify(model.requests.map((request) => request.body))).not.toContain('sk_live_planted_secret_value');
    const afterFirstTestRun = JSON.stringify(model.requests[3]!.body.messages.at(-1));
    expect(afterFirstTestRun).toContain('FAILED');
    expect(afterFirstTestRun).toContain('multiplies the price by the quantity');

    const listed = await cli('list', '--json');
    expect(JSON.parse(listed.stdout).operations[0]).toMatchObject({ id: operation.id, status: 'done' });
    expect((await fetch(`${mender.url}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${mender.url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).text();
    expect(metrics).toContain('mender_operations{status="done"} 1');
    expect(metrics).toMatch(/mender_model_tokens_total\{role="coder",kind="input"\} \d+/);
    expect(metrics).toContain('mender_step_duration_seconds_bucket');
    // Dollars by model role, from the price table: what the operation's usage says it cost.
    for (const role of ['planner', 'coder', 'reviewer']) {
      const dollars = Number(new RegExp(`mender_model_cost_dollars_total\\{role="${role}"\\} ([0-9.e-]+)`).exec(metrics)?.[1]);
      expect(dollars, role).toBeGreaterThan(0);
      expect(dollars).toBeCloseTo(done.usage[role].cost, 9);
    }
  });
});
