import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, fixedCart, quantityTest, type TargetRepository } from '../support/target-repository.ts';
import { plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { shopServerSource, startTraffic, type TrafficGenerator } from '../support/shop-app.ts';
import { freePort } from '../support/mender-process.ts';
import { eventually } from '../support/eventually.ts';
import { RepoStore } from '../../src/store/repo-store.ts';
import { parseDeploySettings } from '../../src/deploy/deploy-settings.ts';
import { stopLocalEnvironment, totalErrorEnvelope } from '../support/ship-support.ts';
import { gateFactQueries } from '../../src/pipeline/gate-facts.ts';

// A fix whose tests pass but whose release fails a third of one route at run time: the pipeline
// verifies and merges it (a person approves at autonomy 1), the staging canary catches it against
// the stable release while traffic flows, and Mender rolls it back by itself: traffic back on the
// stable release, the operation rolled back, a revert opened for a person, the issue's rollback
// counted, the team told in Slack.

const botToken = 'xoxb-test-bot-token';
const channel = 'C0TEAM';

describe('ship a bad fix: the canary rolls it back', () => {
  let model: ScriptedModelServer;
  let slack: FakeSlackApi;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let stagingPort = 0;
  let traffic: TrafficGenerator | undefined;

  afterAll(async () => {
    await traffic?.stop();
    if (stagingPort)
      await stopLocalEnvironment({ dataDir: mender.dataDir, repo: 'cart', repoPath: target.path, environment: 'staging', publicPort: stagingPort });
    await mender?.close();
    await model?.close();
    await slack?.close();
    target?.cleanup();
  });

  it('rolls the release back within the watch, opens the revert, counts it against the issue and tells Slack', async () => {
    // The coder fixes total() and, with it, ships a behaviour that fails 30 % of /cart requests.
    const coder = [
      { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'test/quantity.test.ts', content: quantityTest } }] },
      { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
      { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/cart.ts', content: fixedCart } }] },
      { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'behaviour.json', content: '{"delayMs":5,"cartFailurePercent":30}\n' } }] },
      { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'total() multiplies price by quantity; a test covers it.' } }] },
    ];
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder, reviewer: reviewerReplies }));
    slack = await startFakeSlackApi({ token: botToken });
    mender = await startMenderUnderTest({
      MENDER_MODEL: 'openai-compatible:scripted-model',
      MENDER_MODEL_BASE_URL: model.url,
      MENDER_SLACK_BOT_TOKEN: botToken,
      MENDER_SLACK_API_URL: slack.url,
      MENDER_SLACK_NOTIFY_CHANNEL: channel,
      MENDER_PUBLIC_URL: 'https://mender.example.com',
    });
    target = createTargetRepository();
    fs.writeFileSync(path.join(target.path, 'server.cjs'), shopServerSource);
    fs.writeFileSync(path.join(target.path, 'behaviour.json'), '{"delayMs":5}\n');
    target.git('add', '-A');
    target.git('commit', '-q', '-m', 'the shop server');
    const base = target.head();
    await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    const project = (await mender.call('POST', '/api/projects', { name: 'cart', repo: 'cart' })).json as { id: number; publicKey: string; dsn: string };
    stagingPort = await freePort();
    const repos = new RepoStore(mender.store.db);
    await repos.update((await repos.byName('cart'))!.id, {
      deploy: parseDeploySettings({
        environments: [{ name: 'staging', publicPort: stagingPort, watchMinutes: 0.25, trafficSteps: [20, 50, 100] }],
        startCommand: 'node server.cjs',
        intervalSeconds: 1,
        env: { SENTRY_DSN: project.dsn },
      }) as never,
    });
    // The stable release: at autonomy 1 a person approves the deploy gate.
    const first = await mender.deploys.runner.request({ repo: 'cart', environment: 'staging', commit: base, actor: 'admin' });
    expect(first.status).toBe('awaiting_approval');
    await mender.deploys.runner.approve(first.id, { id: 'lead', name: 'lead', role: 'team-lead' });
    await eventually(
      () => mender.deploys.store.get(first.id),
      (row) => row.status === 'promoted',
      'the stable release',
      60_000,
    );
    traffic = startTraffic(`http://127.0.0.1:${stagingPort}`, 80);

    const envelope = totalErrorEnvelope(base, 'staging', 12);
    expect((await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope })).status).toBe(200);
    const issueOf = async () => ((await mender.call('GET', '/api/issues?limit=50')).json.issues as any[]).find((item) => item.title.startsWith('TypeError'));
    const issue = await eventually(issueOf, (item) => item?.operations?.length === 1, 'the detector starts a fix', 60_000);
    const operationId = issue.operations[0].id as string;
    await mender.waitForStatus(operationId, ['awaiting_approval']);
    await mender.call('POST', `/api/operations/${operationId}/approve`);
    const [shipping] = await eventually(
      () => mender.deploys.store.list({ operationId }),
      (rows) => rows.length === 1,
      'the merged fix asks to ship',
      120_000,
    );
    expect(shipping!.status).toBe('awaiting_approval');
    expect((await mender.call('GET', `/api/operations/${operationId}`)).json.status).toBe('deploying');
    await mender.deploys.runner.approve(shipping!.id, { id: 'lead', name: 'lead', role: 'team-lead' });

    const ended = await mender.waitForStatus(operationId, ['rolled_back', 'done', 'failed'], 120_000);
    expect(ended.status).toBe('rolled_back');
    const deployment = await mender.deploys.store.get(shipping!.id);
    expect(deployment.status).toBe('rolled_back');
    const verdict = deployment.verdict as { rule: string; elapsedMs: number; reason: string };
    expect(['error_rate', 'new_error_fingerprint']).toContain(verdict.rule);
    expect(verdict.elapsedMs).toBeLessThan(15_000);
    expect(ended.failureReason).toContain('rolled back in staging');

    // Traffic is back on the stable release; the switches themselves failed no request.
    traffic.take();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = traffic.take();
    expect(after.byStatus[500] ?? 0).toBe(0);
    expect(after.connectionErrors).toBe(0);
    expect((await mender.deploys.store.lastPromoted(deployment.repoId, 'staging'))?.commit).toBe(base);

    // The revert is a change request for a person; the issue counts one rollback.
    const revertId = (await mender.deploys.store.timeline(shipping!.id)).find((event) => event.type === 'deployment.revert_opened')?.data
      .revertOperationId as string;
    expect(revertId).toBeTruthy();
    const revert = await mender.waitForStatus(revertId, ['awaiting_approval', 'failed']);
    expect(revert).toMatchObject({ status: 'awaiting_approval', type: 'rollback', rollbackOf: operationId });
    expect((await gateFactQueries(mender.store.db).issueFacts(issue.id)).rollbacksOfIssue).toBe(1);

    await eventually(
      () =>
        slack.messages
          .filter((message) => message.channel === channel)
          .map((message) => message.text)
          .join('\n'),
      (text) => text.includes(shipping!.id) && /rolled back/i.test(text),
      'a Slack notice of the rollback',
    );
  });
});
