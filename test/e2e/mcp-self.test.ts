import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText } from '../../src/mcp/mcp-test-jail.ts';
import { roleScript } from '../fakes/role-script.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { createFakeSupervisor, firstState } from '../support/fake-supervisor.ts';
import { adminToken } from '../support/mender-under-test.ts';
import { plannerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

describe('self_improve over MCP at /mcp/self', () => {
  let pipeline: CartPipeline;
  let checkout: TargetRepository;
  let viewerToken: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    checkout = createTargetRepository();
    // The planner submits a plan; an implement plan waits for approval (the default policy).
    pipeline = await startCartPipeline(
      roleScript({ planner: plannerReplies }),
      {},
      { supervisor: createFakeSupervisor(checkout.path, firstState(checkout.path)) },
    );
    const created = await pipeline.mender.call('POST', '/api/users', { name: 'val', role: 'viewer' });
    expect(created.status).toBe(201);
    viewerToken = created.json.token;
  }, 120_000);
  afterAll(async () => {
    for (const client of clients) await client.close();
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
    checkout?.cleanup();
  });

  async function connect(token = adminToken): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${pipeline.mender.url}/mcp/self`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'mcp-self-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  const call = async (client: Client, args: Record<string, unknown>) => {
    const result = await client.callTool({ name: 'self_improve', arguments: args });
    return { isError: result.isError === true, text: resultText(result) };
  };
  const operationsOf = async (repo: string) => (await pipeline.mender.call('GET', `/api/operations?repo=${repo}`)).json.operations as Array<{ id: string }>;

  it('is refused with the way to enable it while Mender has no repository of its own; status still answers', async () => {
    const client = await connect();
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['self_improve']);
    const refused = await call(client, { action: 'plan', description: 'log the port at start' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain("not_configured: Mender's own repository is not registered");
    expect(refused.text).toContain('mender self enable');
    const status = await call(client, { action: 'status' });
    expect(status).toEqual({
      isError: false,
      text: 'running 111111111111 (the checkout); no update in flight; there is no previous version to roll back to; self-maintenance is not enabled: `mender self enable` registers the checkout',
    });
    expect((await pipeline.mender.call('GET', '/api/operations')).json.total).toBe(0);
  });

  it(
    'plan creates an implement operation on the self repository from mcp, gated as any; execute approves the plan as the caller',
    { timeout: 180_000 },
    async () => {
      expect((await pipeline.mender.call('POST', '/api/self/enable')).status).toBe(200);
      const client = await connect();
      const planned = await call(client, { action: 'plan', description: 'Log the port Mender listens on at start' });
      expect(planned.isError).toBe(false);
      const id = /operation (\S+) \(implement on mender\) is queued/.exec(planned.text)?.[1];
      expect(id, planned.text).toBeDefined();
      const waiting = await pipeline.mender.waitForStatus(id!, ['awaiting_plan_approval']);
      expect(waiting).toMatchObject({ type: 'implement', source: 'mcp', createdBy: 'admin' });

      const status = await call(client, { action: 'status', operationId: id });
      expect(status.text).toContain(`operation ${id} (implement on mender): awaiting_plan_approval\nrunning 111111111111 (the checkout)`);

      const viewer = await connect(viewerToken);
      const notAllowed = await call(viewer, { action: 'execute', operationId: id });
      expect(notAllowed).toEqual({
        isError: true,
        text: 'tool_denied: val is a viewer and may only read: self_improve answers status; ask a team lead to execute',
      });
      expect((await call(viewer, { action: 'status', operationId: id })).isError).toBe(false);

      const approved = await call(client, { action: 'execute', operationId: id, comment: 'go' });
      expect(approved.isError, approved.text).toBe(false);
      expect(approved.text).toContain(`operation ${id} (implement on mender): plan approved; now executing`);
      const detail = (await pipeline.mender.call('GET', `/api/operations/${id}`)).json;
      expect(detail.approvals).toEqual([expect.objectContaining({ gate: 'plan', decision: 'approved', decidedBy: 'admin' })]);
      // The plan is approved once: the gate no longer waits.
      const again = await call(client, { action: 'execute', operationId: id });
      expect(again.isError).toBe(true);
      expect(again.text).toContain('execute approves a plan waiting for approval');
    },
  );

  it('cancel stops an operation through the cancel path; fix with kind; operations of other repositories are not its business', async () => {
    const client = await connect();
    // Paused, nothing runs: the operation stays queued until cancelled.
    expect((await pipeline.mender.call('POST', '/api/agent/pause', { reason: 'holding the queue for the test' })).status).toBe(200);
    try {
      const planned = await call(client, { action: 'plan', kind: 'fix', description: 'the health route answers 500 when paused' });
      const id = /operation (\S+) \(fix on mender\) is queued/.exec(planned.text)?.[1];
      expect(id, planned.text).toBeDefined();
      const cancelled = await call(client, { action: 'cancel', operationId: id, comment: 'not now' });
      expect(cancelled.text).toContain(`operation ${id} (fix on mender): cancelled\n`);
      expect((await pipeline.mender.call('GET', `/api/operations/${id}`)).json.status).toBe('cancelled');
      const twice = await call(client, { action: 'cancel', operationId: id });
      expect(twice).toEqual({ isError: true, text: `invalid_arguments: operation ${id} is already cancelled` });

      const other = await pipeline.mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' });
      expect(other.status).toBe(201);
      for (const action of ['status', 'cancel', 'execute']) {
        const refused = await call(client, { action, operationId: other.json.id });
        expect(refused).toEqual({
          isError: true,
          text: `not_found: operation ${other.json.id} is not an operation on Mender's own repository; self_improve only answers for those`,
        });
      }
      expect((await pipeline.mender.call('GET', `/api/operations/${other.json.id}`)).json.status).toBe('queued');
      const unknown = await call(client, { action: 'status', operationId: 'no-such-operation' });
      expect(unknown.isError).toBe(true);
      const missing = await call(client, { action: 'plan' });
      expect(missing).toEqual({ isError: true, text: 'invalid_arguments: description: say what Mender should change in itself' });
      expect(await operationsOf('mender')).toHaveLength(2);
    } finally {
      await pipeline.mender.call('POST', '/api/agent/resume');
    }
  });
});
