import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript, type ScriptedReply, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { coderReplies, plannerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { eventually } from '../support/eventually.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';

const asksForChanges = 'reviewer asks for changes';

const review = (verdict: string): ScriptedReply => ({
  toolCalls: [
    {
      name: 'submit_review',
      arguments: {
        summary: `Verdict ${verdict}.`,
        verdict,
        findings: verdict === 'approve' ? [] : [{ severity: 'minor', category: 'maintainability', message: 'name the helper after what it does' }],
      },
    },
  ],
});

// The reviewer's verdict follows the task: one operation's description asks for changes.
const reviewer: ScriptHandler = (request) =>
  countAssistantTurns(request.body) > 0 ? { text: 'done' } : review(JSON.stringify(request.body).includes(asksForChanges) ? 'request_changes' : 'approve');

function sentryEvent(user: number): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    user: { id: `user-${user}` },
    exception: {
      values: [
        {
          type: 'TypeError',
          value: 'total() ignores the quantity',
          stacktrace: { frames: [{ filename: '/srv/app/src/cart.ts', function: 'total', lineno: 7, in_app: true }] },
        },
      ],
    },
  };
}

describe('the built-in policy decides the change gate end to end', () => {
  let pipeline: CartPipeline;
  let shop: TargetRepository;

  beforeAll(async () => {
    pipeline = await startCartPipeline(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer }), {
      // An operator's setting at start: the autonomy gate does not stand between a test and level 3.
      MENDER_AUTONOMY_LEVEL: '3',
      MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0',
    });
    shop = createTargetRepository();
    expect((await pipeline.mender.call('POST', '/api/repos', { name: 'shop', path: shop.path })).status).toBe(201);
  });

  afterAll(async () => {
    await pipeline?.mender.close();
    await pipeline?.model.close();
    pipeline?.target.cleanup();
    shop?.cleanup();
  });

  async function fix(description: string): Promise<string> {
    const created = await pipeline.mender.call('POST', '/api/operations', { type: 'fix', description, repo: 'cart' });
    expect(created.status).toBe(201);
    return created.json.id as string;
  }

  async function gateEvent(id: string, type: string): Promise<Record<string, any>> {
    const operation = (await pipeline.mender.call('GET', `/api/operations/${id}`)).json;
    const event = (operation.timeline as { type: string; data: Record<string, any> }[]).find((entry) => entry.type === type);
    expect(event, `${type} on ${id}`).toBeDefined();
    return event!.data;
  }

  it("at autonomy 3 a reviewer's request_changes sends the change to a person, naming the rule", async () => {
    const id = await fix(`total() ignores quantity; ${asksForChanges}`);
    const operation = await pipeline.mender.waitForStatus(id, ['awaiting_approval', 'merged', 'done', 'failed']);
    expect(operation.status).toBe('awaiting_approval');
    const requested = await gateEvent(id, 'approval.requested');
    expect(requested).toMatchObject({ gate: 'change', rule: 'reviewer-requests-changes', verdict: 'request_changes', requiredLevel: 'team-lead' });
    expect(requested.policy).toMatchObject({ outcome: 'ask', rule: 'reviewer-requests-changes', facts: { autonomy: 3, review_verdict: 'request_changes' } });
    const waiting = (await pipeline.mender.call('GET', '/api/approvals')).json.approvals as Record<string, unknown>[];
    expect(waiting.find((approval) => approval.operationId === id)).toBeDefined();
    expect((await pipeline.mender.call('POST', `/api/operations/${id}/reject`, { comment: 'only here to show the gate' })).status).toBe(200);
  });

  it('the same change with an approving review merges by itself at autonomy 3', async () => {
    const id = await fix('total() ignores quantity');
    const operation = await pipeline.mender.waitForStatus(id, ['awaiting_approval', 'merged', 'done', 'failed']);
    expect(['merged', 'done']).toContain(operation.status);
    expect(await gateEvent(id, 'change.auto_approved')).toMatchObject({
      rule: 'autonomy-3-passes',
      policy: { outcome: 'allow', facts: { review_verdict: 'approve' } },
    });
  });

  it('at autonomy 2 a detected P1 affecting 12 users waits for a person', async () => {
    expect((await pipeline.mender.call('PATCH', '/api/settings', { autonomyLevel: 2 })).status).toBe(200);
    const project = (await pipeline.mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const events = Array.from({ length: 12 }, (_, user) => sentryEvent(user));
    const envelope = `{}\n${events.map((event) => `${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`).join('\n')}\n`;
    const sent = await pipeline.mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope });
    expect(sent.status).toBe(200);

    const issue = await eventually(
      async () => ((await pipeline.mender.call('GET', '/api/issues')).json.issues as any[]).find((item) => item.title.includes('ignores the quantity')),
      (item) => item?.operations?.length === 1,
      'the detected issue to start a fix',
    );
    expect(issue).toMatchObject({ severity: 'P1', users: 12 });
    const id = issue.operations[0].id as string;
    const operation = await pipeline.mender.waitForStatus(id, ['awaiting_approval', 'merged', 'done', 'failed']);
    expect(operation.status).toBe('awaiting_approval');
    expect(await gateEvent(id, 'approval.requested')).toMatchObject({
      rule: 'autonomy-2-severe-issue',
      policy: { facts: { autonomy: 2, severity: 'P1', affected_users: 12, source: 'detector' } },
    });
  });
});
