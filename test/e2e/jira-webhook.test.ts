import { afterEach, describe, expect, it, vi } from 'vitest';
import { roleScript, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { jiraIssueEvent, signedJiraRequest, startFakeJiraApi, type FakeJiraApi } from '../fakes/fake-jira-api.ts';
import type { MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import type { TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

const webhookSecret = 'jira-webhook-secret-for-tests';
const credentials = { email: 'mender@example.com', apiToken: 'jira-api-token-for-tests' };

describe('Jira: a labelled issue starts a fix, and Mender reports back on it', () => {
  let jira: FakeJiraApi | undefined;
  let model: ScriptedModelServer | undefined;
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;

  afterEach(async () => {
    await mender?.close();
    await model?.close();
    await jira?.close();
    target?.cleanup();
    jira = model = mender = target = undefined;
  });

  it(
    'starts one fix per delivery, comments and transitions the issue as the operation advances, and ignores what is not for Mender',
    { timeout: 240_000 },
    async () => {
      jira = await startFakeJiraApi(credentials);
      const coder = coderReplies();
      ({ model, mender, target } = await startCartPipeline(
        roleScript({ planner: plannerReplies, coder: (request) => coder[countAssistantTurns(request.body)] ?? { text: 'done' }, reviewer: reviewerReplies }),
        {
          MENDER_JIRA_WEBHOOK_SECRET: webhookSecret,
          MENDER_JIRA_BASE_URL: jira.url,
          MENDER_JIRA_EMAIL: credentials.email,
          MENDER_JIRA_API_TOKEN: credentials.apiToken,
          MENDER_JIRA_PROJECT_REPOS: 'SHOP=cart',
        },
      ));
      const send = async (request: { body: string; headers: Record<string, string> }) => {
        const response = await mender!.app.request('/webhooks/jira', { method: 'POST', headers: request.headers, body: request.body });
        return { status: response.status, json: await response.json() };
      };

      const delivery = signedJiraRequest(webhookSecret, jiraIssueEvent('SHOP-7', ['backend', 'ai-fix']));
      expect(await send(delivery)).toEqual({ status: 200, json: { ok: true, duplicate: false } });
      // Jira retries a delivery it thinks failed: the same identifier is stored once.
      expect(await send(delivery)).toEqual({ status: 200, json: { ok: true, duplicate: true } });
      // Not labelled, and a project with no repository: acknowledged, processed, nothing started.
      await send(signedJiraRequest(webhookSecret, jiraIssueEvent('SHOP-8', ['backend'])));
      await send(signedJiraRequest(webhookSecret, jiraIssueEvent('OPS-1', ['AI-Fix'])));

      const deliveries = await vi.waitFor(
        async () => {
          const listed = (await mender!.call('GET', '/api/integrations/deliveries?source=jira')).json.deliveries;
          expect(listed.map((item: { status: string }) => item.status)).toEqual(['processed', 'processed', 'processed']);
          return listed as { outcome: string }[];
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(deliveries.map((item) => item.outcome).sort()).toEqual([
        'ignored: Jira project OPS is not mapped to a repository (MENDER_JIRA_PROJECT_REPOS=OPS=<repo>)',
        'ignored: SHOP-8 has no AI-Fix label',
        expect.stringMatching(/^operation \w+ started for SHOP-7$/),
      ]);
      const operations = (await mender.call('GET', '/api/operations')).json.operations;
      expect(operations).toHaveLength(1);
      const [operation] = operations;
      expect(operation).toMatchObject({ source: 'jira', type: 'fix', createdBy: 'jira:Priya Reporter' });
      expect(operation.description).toBe('SHOP-7: Cart total ignores quantity\n\ntotal() in src/cart.ts adds prices once per line.');
      expect(jira.issue('SHOP-7').comments[0]).toContain(`Mender started fix ${operation.id}`);
      expect(jira.issue('SHOP-7').transitions[0]).toBe('In Progress');

      await mender.waitForStatus(operation.id, ['awaiting_approval']);
      await vi.waitFor(() => expect(jira!.issue('SHOP-7').status).toBe('In Review'), { timeout: 10_000 });
      expect(jira.issue('SHOP-7').comments.some((comment) => comment.startsWith('Plan: Multiply price by quantity in total()'))).toBe(true);
      expect(jira.issue('SHOP-7').comments.at(-1)).toContain(`waits for approval by a team-lead`);

      expect((await mender.call('POST', `/api/operations/${operation.id}/approve`)).status).toBe(200);
      expect((await mender.waitForStatus(operation.id, ['done', 'failed'])).status).toBe('done');
      await vi.waitFor(() => expect(jira!.issue('SHOP-7').transitions).toEqual(['In Progress', 'In Review', 'Done']), { timeout: 10_000 });
      expect(jira.issue('SHOP-7').comments.at(-1)).toBe(`Merged by Mender (operation ${operation.id}).`);
      expect(jira.issues.has('SHOP-8')).toBe(false);
    },
  );
});
