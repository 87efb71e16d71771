import { afterAll, describe, expect, it } from 'vitest';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { startTraffic, type TrafficGenerator } from '../support/shop-app.ts';
import { freePort } from '../support/mender-process.ts';
import { eventually } from '../support/eventually.ts';
import { RepoStore } from '../../src/store/repo-store.ts';
import { parseDeploySettings } from '../../src/deploy/deploy-settings.ts';
import { stopLocalEnvironment, totalErrorEnvelope } from '../support/ship-support.ts';

// The whole loop for one detected error: the detector starts a fix, the pipeline verifies and
// merges it (autonomy 3), and the merged commit ships through staging and production behind
// Mender's proxies while traffic flows; the issue counts as fixed only after production's watch.

const appCommand = `node -e "require('http').createServer((q, s) => s.end(q.url)).listen(Number(process.env.PORT), '127.0.0.1')"`;

describe('ship a fix: detect → fix → staging → production → fixed', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  const ports: Record<string, number> = {};
  const traffic: TrafficGenerator[] = [];

  afterAll(async () => {
    for (const generator of traffic) await generator.stop();
    for (const [environment, publicPort] of Object.entries(ports)) {
      await stopLocalEnvironment({ dataDir: mender.dataDir, repo: 'cart', repoPath: target.path, environment, publicPort });
    }
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  it('promotes the merged fix through both environments, and only then is the operation done and the issue fixed', async () => {
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url, MENDER_AUTONOMY_LEVEL: '3' });
    target = createTargetRepository();
    await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    ports.staging = await freePort();
    ports.production = await freePort();
    const repos = new RepoStore(mender.store.db);
    await repos.update((await repos.byName('cart'))!.id, {
      deploy: parseDeploySettings({
        environments: [
          { name: 'staging', publicPort: ports.staging, watchMinutes: 0.15, trafficSteps: [50, 100] },
          { name: 'production', publicPort: ports.production, watchMinutes: 0.2, trafficSteps: [50, 100] },
        ],
        startCommand: appCommand,
        intervalSeconds: 1,
        // A 3-point floor: at 40 requests a second a 15 s watch cannot rule out a 1-point rise (docs/deploy.md, the judge).
        judge: { minNewRequests: 50, errorRate: { absoluteFloor: 0.03 } },
      }) as never,
    });
    // What runs today in both environments: the repository before the fix.
    const base = target.head();
    const firsts = await Promise.all(
      ['staging', 'production'].map((environment) => mender.deploys.runner.request({ repo: 'cart', environment, commit: base, actor: 'admin' })),
    );
    for (const first of firsts) {
      const ended = await eventually(
        () => mender.deploys.store.get(first.id),
        (row) => row.status !== 'starting' && row.status !== 'smoke' && row.status !== 'canary',
        'the first release',
        60_000,
      );
      expect(ended.status).toBe('promoted');
    }
    for (const environment of ['staging', 'production']) traffic.push(startTraffic(`http://127.0.0.1:${ports[environment]}`, 40));

    const project = (await mender.call('POST', '/api/projects', { name: 'cart', repo: 'cart' })).json as { id: number; publicKey: string };
    const envelope = totalErrorEnvelope(base, 'production', 12);
    expect((await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope })).status).toBe(200);
    const issueOf = async () => ((await mender.call('GET', '/api/issues?limit=50')).json.issues as any[]).find((item) => item.title.startsWith('TypeError'));
    const issue = await eventually(issueOf, (item) => item?.operations?.length === 1, 'the detector starts a fix', 60_000);
    const operationId = issue.operations[0].id as string;

    // While the fix ships, the issue is still being fixed: seen at each status the operation passes.
    const seen: Array<{ operation: string; issue: string }> = [];
    const done = await eventually(
      async () => {
        const operation = (await mender.call('GET', `/api/operations/${operationId}`)).json;
        seen.push({ operation: operation.status, issue: (await issueOf()).status });
        return operation;
      },
      (operation) => ['done', 'failed', 'rolled_back', 'cancelled'].includes(operation.status),
      'the operation ends',
      150_000,
    ).catch(async (error) => {
      const rows = await mender.deploys.store.list({});
      throw new Error(
        `${(error as Error).message}\nseen: ${JSON.stringify(seen.slice(-3))}\ndeployments: ${JSON.stringify(rows.map((row) => [row.environment, row.status, row.reason, row.operationId]))}\n${mender.logs
          .filter((line) => /warn|error/.test(line))
          .slice(-15)
          .join('')}`,
      );
    });
    expect(done.status).toBe('done');
    for (const moment of seen.filter((entry) => entry.operation === 'deploying' || entry.operation === 'monitoring')) expect(moment.issue).toBe('fixing');
    expect(seen.map((entry) => entry.operation)).toEqual(expect.arrayContaining(['deploying', 'monitoring']));
    expect((await eventually(issueOf, (item) => item.status === 'fixed', 'the issue is fixed')).status).toBe('fixed');

    const shipped = await mender.deploys.store.list({ operationId });
    expect(shipped.map((row) => [row.environment, row.status])).toEqual([
      ['production', 'promoted'],
      ['staging', 'promoted'],
    ]);
    expect(shipped.every((row) => row.commit === done.mergeCommit && row.previousCommit === base)).toBe(true);
    const productionVerdict = shipped[0]!.verdict as { rule: string; samples: { newRequests: number } };
    expect(productionVerdict.rule).toBe('watch_passed');
    expect(productionVerdict.samples.newRequests).toBeGreaterThanOrEqual(50);
    // The switches dropped no request on either environment.
    for (const generator of traffic) expect(generator.tally.connectionErrors).toBe(0);
    const timeline = done.timeline.map((event: { type: string }) => event.type);
    expect(timeline).toEqual(expect.arrayContaining(['change.merged', 'deployment.shipping', 'deployment.promoted', 'operation.done']));
  });
});
