import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roleScript, type RecordedRequest, type ScriptedReply } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { adminToken } from '../support/mender-under-test.ts';
import { cartPlan } from '../support/scripted-roles.ts';

const runFile = promisify(execFile);
const menderBin = path.resolve(import.meta.dirname, '../../bin/mender.mjs');
const fixtureServer = path.resolve(import.meta.dirname, '../fixtures/mcp/orders-server.ts');
const runTs = path.resolve(import.meta.dirname, '../../bin/run-ts.mjs');

let pipeline: CartPipeline | undefined;
let folder: string;

afterEach(async () => {
  await pipeline?.mender.close();
  await pipeline?.model.close();
  pipeline?.target.cleanup();
  pipeline = undefined;
  vi.unstubAllEnvs();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** A .mcp.json (Claude Code format) that starts the orders fixture over stdio; its calls land in the returned log. */
function writeMcpConfig(): { config: string; log: string } {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-config-'));
  const log = path.join(folder, 'fixture-calls.jsonl');
  const config = path.join(folder, '.mcp.json');
  fs.writeFileSync(
    config,
    JSON.stringify({ mcpServers: { orders: { command: process.execPath, args: [runTs, fixtureServer], env: { FIXTURE_LOG: log } } } }, null, 2),
  );
  return { config, log };
}

function fixtureCalls(log: string): { tool: string; text: string }[] {
  if (!fs.existsSync(log)) return [];
  return fs
    .readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const bodyText = (request: RecordedRequest) => JSON.stringify(request.body);

async function start(script: Parameters<typeof roleScript>[0], env: Record<string, string>): Promise<CartPipeline> {
  pipeline = await startCartPipeline(roleScript(script), env);
  return pipeline;
}

async function createOperation(type: string): Promise<string> {
  const created = await pipeline!.mender.call('POST', '/api/operations', {
    type,
    description: 'total() ignores quantity: order A-17 was charged 4 instead of 12',
    repo: 'cart',
  });
  expect(created.status).toBe(201);
  return created.json.id;
}

/** Polls the operation's timeline until an event of `type` shows up. */
async function waitForEvent(id: string, type: string, timeoutMs = 120_000): Promise<{ type: string; data: Record<string, any> }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const operation = (await pipeline!.mender.call('GET', `/api/operations/${id}`)).json;
    const found = operation.timeline.find((event: { type: string }) => event.type === type);
    if (found) return found;
    if (['failed', 'done', 'cancelled'].includes(operation.status))
      throw new Error(`operation ${id} ended ${operation.status} (${operation.failureReason}) before ${type}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${type} event on operation ${id} within ${timeoutMs} ms`);
}

const plannerSubmits: ScriptedReply[] = [{ toolCalls: [{ name: 'submit_plan', arguments: cartPlan }] }];

describe("external MCP servers as the agent's tools", () => {
  it("the planner calls a read-only tool of a server started from .mcp.json, and its result reaches the model; Mender's secrets stay out of its environment", async () => {
    vi.stubEnv('MENDER_TEST_SECRET_TOKEN', 'do-not-pass-this-secret-along');
    const { config } = writeMcpConfig();
    const planner: ScriptedReply[] = [
      {
        toolCalls: [
          { name: 'orders__lookup_order', arguments: { id: 'A-17' } },
          { name: 'orders__environment', arguments: {} },
        ],
      },
      { toolCalls: [{ name: 'submit_plan', arguments: cartPlan }] },
    ];
    const { mender, model } = await start({ planner }, { MENDER_MCP_CONFIG: config });
    const id = await createOperation('implement');
    const operation = await mender.waitForStatus(id, ['awaiting_plan_approval', 'failed']);
    expect(operation.status).toBe('awaiting_plan_approval');

    const plannerRequests = model.requests.filter((request) => request.role === 'planner');
    expect(plannerRequests).toHaveLength(2);
    // Read-only tools are offered to the planner under <server>__<tool>; the unknown mutating one is not.
    expect(plannerRequests[0]!.toolNames).toEqual(expect.arrayContaining(['orders__lookup_order', 'orders__environment']));
    expect(plannerRequests[0]!.toolNames).not.toContain('orders__record_note');
    const schema = (plannerRequests[0]!.body.tools as { function: { name: string; parameters: unknown } }[]).find(
      (tool) => tool.function.name === 'orders__lookup_order',
    )!.function.parameters;
    expect(schema).toMatchObject({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
    expect(bodyText(plannerRequests[0]!)).not.toContain('charged 4.00');
    expect(bodyText(plannerRequests[1]!)).toContain('order A-17: 3 items at 4.00 each, charged 4.00 (expected 12.00)');
    // The server got only PATH, HOME and the like, plus what the config gives.
    expect(bodyText(plannerRequests[1]!)).toContain('FIXTURE_LOG');
    expect(bodyText(plannerRequests[1]!)).toContain('PATH');
    expect(bodyText(plannerRequests[1]!)).not.toContain('MENDER_TEST_SECRET_TOKEN');

    const calls = operation.timeline
      .filter((event: { type: string }) => event.type === 'tool.called')
      .map((event: { data: { tool: string; ok: boolean } }) => [event.data.tool, event.data.ok]);
    expect(calls).toEqual(expect.arrayContaining([['orders__lookup_order', true]]));
  });

  it('an unknown mutating tool waits for approval; approved through the API it runs, and an identical call in a later attempt is not asked again', async () => {
    const { config, log } = writeMcpConfig();
    const coder: ScriptedReply[] = [
      { toolCalls: [{ name: 'orders__record_note', arguments: { text: 'refund A-17' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'noted the refund' } }] },
    ];
    const { mender, model } = await start({ planner: plannerSubmits, coder }, { MENDER_MCP_CONFIG: config, MENDER_MAX_ATTEMPTS: '2' });
    const id = await createOperation('fix');

    const requested = await waitForEvent(id, 'tool_call.approval_requested');
    expect(requested.data).toMatchObject({ tool: 'orders__record_note', server: 'orders', input: { text: 'refund A-17' } });
    const listed = await mender.call('GET', `/api/operations/${id}/tool-calls`);
    expect(listed.json.toolCalls).toMatchObject([{ id: requested.data.callId, status: 'waiting', tool: 'orders__record_note' }]);
    // Waiting means waiting: nothing reached the server, and the coder has not been answered.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fixtureCalls(log)).toEqual([]);
    expect(model.requests.filter((request) => request.role === 'coder')).toHaveLength(1);

    const approved = await mender.call('POST', `/api/operations/${id}/tool-calls/${requested.data.callId}/approve`, { comment: 'fine' });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', decidedBy: 'admin' });
    const again = await mender.call('POST', `/api/operations/${id}/tool-calls/${requested.data.callId}/deny`, {});
    expect(again.status).toBe(409);

    // No test was written, so both attempts fail verification: the second repeats the call.
    const operation = await mender.waitForStatus(id, ['failed']);
    expect(operation.attempts).toBe(2);
    expect(fixtureCalls(log)).toEqual([
      { tool: 'record_note', text: 'refund A-17' },
      { tool: 'record_note', text: 'refund A-17' },
    ]);
    const types = operation.timeline.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'tool_call.approval_requested')).toHaveLength(1);
    expect(types).toContain('tool_call.approved');
    expect(types).toContain('tool_call.decision_reused');
    const answered = model.requests.filter((request) => request.role === 'coder' && bodyText(request).includes('noted: refund A-17'));
    expect(answered.length).toBe(2);

    const audit = await mender.call('GET', `/api/audit?subject=operation:${id}&action=tool_call.approved`);
    expect(audit.json.entries).toHaveLength(1);
  });

  it('a denied call (through the CLI) never reaches the server and the model gets the denial', async () => {
    const { config, log } = writeMcpConfig();
    const coder: ScriptedReply[] = [
      { toolCalls: [{ name: 'orders__record_note', arguments: { text: 'cancel every order' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'could not note it' } }] },
    ];
    const { mender, model } = await start({ planner: plannerSubmits, coder }, { MENDER_MCP_CONFIG: config, MENDER_MAX_ATTEMPTS: '1' });
    const id = await createOperation('fix');
    const requested = await waitForEvent(id, 'tool_call.approval_requested');

    const cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir };
    const listed = await runFile(process.execPath, [menderBin, 'tool-calls', id], { env: cliEnv });
    expect(listed.stdout).toContain(`${requested.data.callId}  waiting    orders__record_note {"text":"cancel every order"}`);
    const denied = await runFile(process.execPath, [menderBin, 'tool-call', 'deny', id, requested.data.callId, '--comment', 'not in a fix'], { env: cliEnv });
    expect(denied.stdout).toBe(`${requested.data.callId} denied: orders__record_note\n`);

    await mender.waitForStatus(id, ['failed']);
    expect(fixtureCalls(log)).toEqual([]);
    const answered = model.requests.find((request) => request.role === 'coder' && bodyText(request).includes('tool_denied'));
    expect(answered).toBeDefined();
    expect(bodyText(answered!)).toContain('a team lead denied this call of orders__record_note');
  });

  it('pausing the agent aborts a waiting call; after resume the identical call keeps its request and runs once approved', async () => {
    const { config, log } = writeMcpConfig();
    const coder: ScriptedReply[] = [
      { toolCalls: [{ name: 'orders__record_note', arguments: { text: 'pause me' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'noted' } }] },
    ];
    const { mender } = await start({ planner: plannerSubmits, coder }, { MENDER_MCP_CONFIG: config, MENDER_MAX_ATTEMPTS: '2' });
    const id = await createOperation('fix');
    const requested = await waitForEvent(id, 'tool_call.approval_requested');

    expect((await mender.call('POST', '/api/agent/pause', { reason: 'incident' })).status).toBe(200);
    await waitForEvent(id, 'step.paused');
    expect((await mender.call('GET', `/api/operations/${id}/tool-calls`)).json.toolCalls).toMatchObject([{ id: requested.data.callId, status: 'waiting' }]);
    expect((await mender.call('POST', '/api/agent/resume', {})).status).toBe(200);
    await waitForEvent(id, 'execution.resumed');
    // The resumed attempt makes the same call: it waits on the same row instead of asking again.
    const attemptsStarted = async () =>
      (await mender.call('GET', `/api/operations/${id}`)).json.timeline.filter((event: { type: string }) => event.type === 'attempt.started').length;
    const deadline = Date.now() + 60_000;
    while ((await attemptsStarted()) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await attemptsStarted()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fixtureCalls(log)).toEqual([]);
    expect((await mender.call('POST', `/api/operations/${id}/tool-calls/${requested.data.callId}/approve`, {})).status).toBe(200);

    const operation = await mender.waitForStatus(id, ['failed']);
    expect(fixtureCalls(log)).toEqual([{ tool: 'record_note', text: 'pause me' }]);
    const types = operation.timeline.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'tool_call.approval_requested')).toHaveLength(1);
  });

  it('a call nobody decides times out and the model gets an error result', async () => {
    const { config, log } = writeMcpConfig();
    const coder: ScriptedReply[] = [
      { toolCalls: [{ name: 'orders__record_note', arguments: { text: 'late' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'gave up' } }] },
    ];
    const { mender, model } = await start(
      { planner: plannerSubmits, coder },
      { MENDER_MCP_CONFIG: config, MENDER_MAX_ATTEMPTS: '1', MENDER_MCP_APPROVAL_TIMEOUT_SECONDS: '1' },
    );
    const id = await createOperation('fix');
    const operation = await mender.waitForStatus(id, ['failed']);
    expect(operation.timeline.map((event: { type: string }) => event.type)).toContain('tool_call.approval_timed_out');
    expect((await mender.call('GET', `/api/operations/${id}/tool-calls`)).json.toolCalls).toMatchObject([{ status: 'timed_out' }]);
    expect(model.requests.some((request) => request.role === 'coder' && bodyText(request).includes('approval_timed_out'))).toBe(true);
    expect(fixtureCalls(log)).toEqual([]);
  });

  it("ignores a target repository's .mcp.json unless MENDER_MCP_TRUST_REPO_CONFIG allows it", async () => {
    const planner: ScriptedReply[] = [{ toolCalls: [{ name: 'submit_plan', arguments: cartPlan }] }];
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-config-'));
    const log = path.join(folder, 'calls.jsonl');
    const offeredTools = async (env: Record<string, string>) => {
      const started = await start({ planner }, env);
      fs.writeFileSync(
        path.join(started.target.path, '.mcp.json'),
        JSON.stringify({ mcpServers: { repoorders: { command: process.execPath, args: [runTs, fixtureServer], env: { FIXTURE_LOG: log } } } }),
      );
      const id = await createOperation('implement');
      expect((await started.mender.waitForStatus(id, ['awaiting_plan_approval', 'failed'])).status).toBe('awaiting_plan_approval');
      const names = started.model.requests.find((request) => request.role === 'planner')!.toolNames;
      await started.mender.close();
      await started.model.close();
      started.target.cleanup();
      pipeline = undefined;
      return names;
    };
    expect(await offeredTools({})).not.toContain('repoorders__lookup_order');
    expect(await offeredTools({ MENDER_MCP_TRUST_REPO_CONFIG: 'true' })).toContain('repoorders__lookup_order');
  });

  it('refuses to start with a malformed .mcp.json, naming the file and the problem', async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-mcp-config-'));
    const config = path.join(folder, '.mcp.json');
    fs.writeFileSync(config, JSON.stringify({ mcpServers: { broken: { args: ['x'] } } }));
    await expect(startCartPipeline([], { MENDER_MCP_CONFIG: config })).rejects.toThrow(`MCP config ${config}: mcpServers.broken: command`);
  });
});
