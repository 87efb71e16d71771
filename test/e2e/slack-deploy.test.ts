import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signedSlackRequest, slashCommandForm, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { commandTargetDeploySettings } from '../support/deploy-settings-fixture.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const signingSecret = 'slack-signing-secret-for-tests';
const botToken = 'xoxb-test-bot-token';
const channel = 'C0CHANNEL';
const notifyChannel = 'C0TEAM';
const publicUrl = 'https://mender.example.test';
const lead = 'U0LEAD';
const viewer = 'U0VIEWER';

describe('Slack: /deploy and the deployment notices', () => {
  let slack: FakeSlackApi;
  let mender: MenderUnderTest;
  let shop: TargetRepository;
  let cart: TargetRepository;

  const send = async (command: string, text: string, user: string) => {
    const request = signedSlackRequest(signingSecret, slashCommandForm(command, text, user, channel));
    const response = await mender.app.request('/webhooks/slack/commands', { method: 'POST', headers: request.headers, body: request.body });
    return (await response.json()) as { text: string };
  };
  const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 60_000, interval: 100 });
  const ephemeral = () => slack.callsTo('chat.postEphemeral').map((call) => String(call.args.text));
  const posted = () => slack.messages.filter((message) => message.channel === channel).map((message) => message.text);
  const notices = () =>
    slack.messages
      .filter((message) => message.channel === notifyChannel)
      .map((message) => message.text)
      .join('\n');

  beforeAll(async () => {
    slack = await startFakeSlackApi({ token: botToken });
    mender = await startMenderUnderTest({
      MENDER_SLACK_BOT_TOKEN: botToken,
      MENDER_SLACK_SIGNING_SECRET: signingSecret,
      MENDER_SLACK_API_URL: slack.url,
      MENDER_SLACK_NOTIFY_CHANNEL: notifyChannel,
      MENDER_PUBLIC_URL: publicUrl,
    });
    shop = createTargetRepository();
    cart = createTargetRepository();
    for (const [name, target] of [
      ['shop', shop],
      ['cart', cart],
    ] as const)
      expect((await mender.call('POST', '/api/repos', { name, path: target.path })).status).toBe(201);
    expect((await mender.call('PATCH', '/api/repos/shop', { deploy: commandTargetDeploySettings(['staging']) })).status).toBe(200);
    for (const [name, role, slackId] of [
      ['lee', 'team-lead', lead],
      ['vic', 'viewer', viewer],
    ] as const) {
      expect((await mender.call('POST', '/api/users', { name, role })).status).toBe(201);
      expect((await mender.call('POST', '/api/integrations/slack/users', { user: name, slackUserId: slackId })).status).toBe(201);
    }
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    await slack?.close();
    shop?.cleanup();
    cart?.cleanup();
  });

  it('/deploy asks as the linked user for the only repository that deploys, and answers with the id, status and link', { timeout: 120_000 }, async () => {
    expect((await send('/deploy', '', lead)).text).toBe('Usage: `/deploy <environment> [repo]`, e.g. `/deploy staging shop`');
    await send('/deploy', 'staging', viewer);
    await waitFor(() => expect(ephemeral()).toEqual([expect.stringContaining('vic, a viewer; only a team-lead or above may deploy')]));

    expect((await send('/deploy', 'staging', lead)).text).toBe('Got it: deploying to staging. Mender posts the deployment in this channel.');
    const [deployment] = await waitFor(async () => {
      const listed = (await mender.call('GET', '/api/deployments')).json.deployments;
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(deployment).toMatchObject({ repo: 'shop', environment: 'staging', status: 'awaiting_approval', createdBy: 'lee' });
    await waitFor(() =>
      expect(posted()).toContain(
        `🚀 <@${lead}> asked to deploy shop \`${shop.head().slice(0, 12)}\` to staging: deployment \`${deployment.id}\` is *awaiting approval* — approve with \`mender deployment approve ${deployment.id}\` · <${publicUrl}/deployments/${deployment.id}|open it>`,
      ),
    );
    await waitFor(() =>
      expect(notices()).toContain(
        `🙋 Deployment of shop \`${shop.head().slice(0, 12)}\` in staging (deployment \`${deployment.id}\`) waits for a team-lead: autonomy level 1 proposes only; a person approves every change — \`mender deployment approve ${deployment.id}\` · <${publicUrl}/deployments/${deployment.id}|charts>`,
      ),
    );

    // Refusals from the runner reach the asker: an unknown environment, a second deploy while one waits.
    await send('/deploy', 'qa', lead);
    await send('/deploy', 'staging shop', lead);
    await waitFor(() => expect(ephemeral()).toHaveLength(3));
    expect(ephemeral()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('⚠️ repository shop has no environment "qa"'),
        expect.stringContaining(`⚠️ a deployment to staging is already awaiting_approval (${deployment.id}`),
      ]),
    );

    // A second repository that deploys: /deploy must be told which.
    expect(
      (await mender.call('PATCH', '/api/repos/cart', { deploy: { ...commandTargetDeploySettings(['staging']), environments: [failingStaging] } })).status,
    ).toBe(200);
    await send('/deploy', 'staging', lead);
    await waitFor(() => expect(ephemeral()).toContain('⚠️ Several repositories deploy (cart, shop): name one, e.g. `/deploy <environment> cart`.'));
  });

  it('notices a promotion, a rollback with its reason, rule and samples, and a failure, each with a chart link', { timeout: 120_000 }, async () => {
    const [waiting] = (await mender.call('GET', '/api/deployments?repo=shop')).json.deployments;
    expect((await mender.call('POST', `/api/deployments/${waiting.id}/approve`, {})).status).toBe(200);
    await waitFor(async () => expect((await mender.call('GET', `/api/deployments/${waiting.id}`)).json.status).toBe('canary'));
    expect((await mender.call('POST', `/api/deployments/${waiting.id}/promote`, { comment: 'fine' })).status).toBe(200);
    const released = `shop \`${shop.head().slice(0, 12)}\` in staging (deployment \`${waiting.id}\`)`;
    await waitFor(() => expect(notices()).toContain(`✅ Promoted ${released}: promoted by admin: fine · <${publicUrl}/deployments/${waiting.id}|charts>`));

    shop.git('commit', '-q', '--allow-empty', '-m', 'the next release');
    const next = (await mender.call('POST', '/api/deployments', { repo: 'shop', environment: 'staging' })).json;
    await mender.call('POST', `/api/deployments/${next.id}/approve`, {});
    await waitFor(async () => expect((await mender.call('GET', `/api/deployments/${next.id}`)).json.status).toBe('canary'));
    await mender.call('POST', `/api/deployments/${next.id}/rollback`, { comment: 'checkout errors' });
    await waitFor(() =>
      expect(notices()).toContain(
        `↩️ Rolled back shop \`${shop.head().slice(0, 12)}\` in staging (deployment \`${next.id}\`): rolled back by admin: checkout errors — rule by_person; no samples recorded. All traffic is on the stable release · <${publicUrl}/deployments/${next.id}|charts>`,
      ),
    );

    await send('/deploy', 'staging cart', lead);
    const failed = await waitFor(async () => {
      const [row] = (await mender.call('GET', '/api/deployments?repo=cart')).json.deployments;
      expect(row?.status).toBe('awaiting_approval');
      return row;
    });
    await mender.call('POST', `/api/deployments/${failed.id}/approve`, {});
    await waitFor(() =>
      expect(notices()).toContain(
        `❌ Deployment failed cart \`${cart.head().slice(0, 12)}\` in staging (deployment \`${failed.id}\`) in the starting phase: the release did not start: the deploy script exited with code 3 · <${publicUrl}/deployments/${failed.id}|charts>`,
      ),
    );
  });
});

/** An environment whose deploy script fails at once. */
const failingStaging = {
  name: 'staging',
  target: 'command',
  watchMinutes: 60,
  command: { deploy: 'echo cannot reach the platform; exit 3', status: 'exit 1', rollback: 'true' },
};
