import { afterEach, describe, expect, it, vi } from 'vitest';
import { roleScript, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { buttonPressForm, signedSlackRequest, slashCommandForm, startFakeSlackApi, viewSubmissionForm, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import type { MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import type { TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

const signingSecret = 'slack-signing-secret-for-tests';
const botToken = 'xoxb-test-bot-token';
const channel = 'C0CHANNEL';
const lead = 'U0LEAD';
const secondLead = 'U0SECOND';
const viewer = 'U0VIEWER';
const stranger = 'U0STRANGER';

describe('Slack: slash commands, buttons and the progress thread', () => {
  let slack: FakeSlackApi | undefined;
  let model: ScriptedModelServer | undefined;
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;

  afterEach(async () => {
    await mender?.close();
    await model?.close();
    await slack?.close();
    target?.cleanup();
    slack = model = mender = target = undefined;
  });

  async function setUp() {
    slack = await startFakeSlackApi({ token: botToken });
    const coder = coderReplies();
    ({ model, mender, target } = await startCartPipeline(
      roleScript({ planner: plannerReplies, coder: (request) => coder[countAssistantTurns(request.body)] ?? { text: 'done' }, reviewer: reviewerReplies }),
      { MENDER_SLACK_BOT_TOKEN: botToken, MENDER_SLACK_SIGNING_SECRET: signingSecret, MENDER_SLACK_API_URL: slack.url },
    ));
    for (const [name, role, slackId] of [
      ['lee', 'team-lead', lead],
      ['sam', 'team-lead', secondLead],
      ['vic', 'viewer', viewer],
    ] as const) {
      expect((await mender.call('POST', '/api/users', { name, role })).status).toBe(201);
      expect((await mender.call('POST', '/api/integrations/slack/users', { user: name, slackUserId: slackId })).status).toBe(201);
    }
    return { slack, mender, model, target };
  }

  async function send(route: string, form: Record<string, string>) {
    const request = signedSlackRequest(signingSecret, form);
    const response = await mender!.app.request(route, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  const waitFor = <T>(check: () => T | Promise<T>, timeout = 120_000) => vi.waitFor(check, { timeout, interval: 100 });
  /** Waits until `find` returns something (a message, a call). */
  const found = <T>(find: () => T | undefined, timeout = 120_000) =>
    vi
      .waitFor(
        () => {
          const value = find();
          if (value === undefined) throw new Error('not there yet');
          return value;
        },
        { timeout, interval: 100 },
      )
      .catch((error: unknown) => {
        // What Slack saw and what Mender logged about Slack: the first thing to read when this fails.
        console.log(
          JSON.stringify(slack?.calls.map((call) => [call.method, call.args.text ?? call.args.view?.callback_id])),
          mender?.logs.filter((line) => /slack|webhook/i.test(line)).join(''),
        );
        throw error;
      });

  async function operationsFromSlack() {
    return (await mender!.call('GET', '/api/operations')).json.operations.filter((operation: { source: string }) => operation.source === 'slack');
  }

  it(
    "/fix starts an operation, edits one progress message in its thread, refuses a viewer and a stranger, and merges on a lead's Approve",
    { timeout: 240_000 },
    async () => {
      const { slack, mender } = await setUp();
      const ack = await send('/webhooks/slack/commands', slashCommandForm('/fix', 'total() ignores quantity', lead));
      expect(ack.status).toBe(200);
      expect(ack.json).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('starting a fix') });

      const [started] = await waitFor(async () => {
        const found = await operationsFromSlack();
        expect(found).toHaveLength(1);
        return found;
      });
      expect(started).toMatchObject({ type: 'fix', repo: 'cart', createdBy: 'lee', description: 'total() ignores quantity' });
      const id = started.id as string;

      // The root message in the channel, then the progress message in its thread.
      const root = await found(() => slack.messages.find((message) => message.channel === channel && !message.threadTs && message.text.includes(id)));
      expect(root.blocks[0].text.text).toContain(`<@${lead}>`);
      await mender.waitForStatus(id, ['awaiting_approval']);
      const thread = () => slack.thread(channel, root.ts);
      const changeReady = await found(() => thread().find((message) => message.text.startsWith('Change ready')));
      const progress = thread()[0]!;
      expect(progress.text).toContain(id);
      // One progress message, edited as the steps advanced, and the change-ready message: nothing else in the thread.
      expect(thread()).toHaveLength(2);
      await waitFor(() => expect(progress.text).toBe(`fix ${id}: awaiting approval`));
      expect(progress.history.length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(progress.blocks)).toContain('✅ Planning');
      expect(slack.callsTo('chat.update').filter((call) => call.args.ts === progress.ts).length).toBe(progress.history.length);

      // The change-ready message: a code preview and [Approve] [Show diff] [Reject].
      const buttons = changeReady.blocks.find((block) => block.type === 'actions').elements.map((element: { text: { text: string } }) => element.text.text);
      expect(buttons).toEqual(['✅ Approve', '🔎 Show diff', 'Reject']);
      expect(JSON.stringify(changeReady.blocks)).toContain('item.price * item.quantity');

      // Show diff posts the diff in the thread.
      expect((await send('/webhooks/slack/interactions', buttonPressForm(changeReady, 'mender_show_diff', viewer))).status).toBe(200);
      await waitFor(() => expect(thread().some((message) => message.text.startsWith(`*Diff of \`${id}\`*`))).toBe(true));

      // A viewer's Approve is refused in the thread with the reason, and recorded.
      const viewerPress = await send('/webhooks/slack/interactions', buttonPressForm(changeReady, 'mender_approve', viewer));
      expect(viewerPress).toMatchObject({ status: 200, text: '' });
      await waitFor(() => expect(thread().find((message) => message.text.startsWith('🚫'))?.text).toContain('vic is viewer; approving at level'));
      // Someone Slack cannot map to a Mender user is refused too.
      await send('/webhooks/slack/interactions', buttonPressForm(changeReady, 'mender_approve', stranger));
      await waitFor(() => expect(thread().some((message) => message.text.includes(`<@${stranger}> is not linked to a Mender user`))).toBe(true));
      let operation = (await mender.call('GET', `/api/operations/${id}`)).json;
      expect(operation.status).toBe('awaiting_approval');
      expect(operation.timeline.filter((event: { type: string }) => event.type === 'approval.refused').map((event: { actor: string }) => event.actor)).toEqual([
        'vic',
        `slack:${stranger}`,
      ]);

      // A lead's Approve merges; the buttons give way to who approved.
      await send('/webhooks/slack/interactions', buttonPressForm(changeReady, 'mender_approve', secondLead));
      operation = await mender.waitForStatus(id, ['done', 'failed']);
      expect(operation.status).toBe('done');
      expect(operation.approvals.find((approval: { gate: string }) => approval.gate === 'change')).toMatchObject({ decision: 'approved', decidedBy: 'sam' });
      await waitFor(() => expect(changeReady.text).toBe('✅ Change approved by sam'));
      expect(changeReady.blocks.some((block) => block.type === 'actions')).toBe(false);
      await waitFor(() => expect(progress.text).toBe(`fix ${id}: done`));
      expect(JSON.stringify(progress.blocks)).toContain('✅ Done');
      expect(thread().filter((message) => !message.text.startsWith('🚫') && !message.text.startsWith('*Diff'))).toHaveLength(2);
    },
  );

  it('/implement posts the plan with estimate and files; Request changes opens a modal whose text re-plans; Cancel ends it', { timeout: 240_000 }, async () => {
    const { slack, mender, model } = await setUp();
    await send('/webhooks/slack/commands', slashCommandForm('/implement', 'repo:cart Show the quantity in the total line', lead));
    const [started] = await waitFor(async () => {
      const found = await operationsFromSlack();
      expect(found).toHaveLength(1);
      return found;
    });
    const id = started.id as string;
    await mender.waitForStatus(id, ['awaiting_plan_approval']);
    const planReady = await found(() => slack.messages.find((message) => message.text.startsWith(`Plan ready for implement ${id}`)));
    const text = JSON.stringify(planReady.blocks);
    expect(text).toContain('about 5 min');
    expect(text).toContain('Files (2):');
    expect(text).toContain('`src/cart.ts`');
    expect(planReady.blocks.find((block) => block.type === 'actions').elements.map((element: { action_id: string }) => element.action_id)).toEqual([
      'mender_approve',
      'mender_request_changes',
      'mender_cancel',
    ]);

    const press = buttonPressForm(planReady, 'mender_request_changes', lead);
    await send('/webhooks/slack/interactions', press);
    const opened = await found(() => slack.callsTo('views.open')[0]);
    expect(opened.args.trigger_id).toBe(JSON.parse(press.payload!).trigger_id);
    expect(opened.args.view.private_metadata).toContain(id);

    expect(
      (await send('/webhooks/slack/interactions', viewSubmissionForm(opened.args.view, lead, { feedback: { comment: 'Also cover an empty cart.' } }))).text,
    ).toBe('');
    await waitFor(async () =>
      expect(JSON.stringify(model.requests.filter((request) => request.role === 'planner').at(-1)?.body)).toContain('Also cover an empty cart.'),
    );
    await mender.waitForStatus(id, ['awaiting_plan_approval']);
    await waitFor(() => expect(planReady.text).toBe('✏️ Changes requested by lee: Also cover an empty cart.'));

    const replanned = await found(() => slack.messages.find((message) => message !== planReady && message.text.startsWith(`Plan ready for implement ${id}`)));
    await send('/webhooks/slack/interactions', buttonPressForm(replanned, 'mender_cancel', lead));
    expect((await mender.waitForStatus(id, ['cancelled'])).status).toBe('cancelled');
    await waitFor(() => expect(replanned.text).toBe('⏹️ Cancelled by lee'));
  });

  it('/debug keeps the stack as error context; refusals and /agent queries are answered to the asker only', { timeout: 120_000 }, async () => {
    const { slack, mender } = await setUp();
    const ephemeral = () => slack.callsTo('chat.postEphemeral').map((call) => String(call.args.text));

    await send('/webhooks/slack/commands', slashCommandForm('/debug', 'repo:shop TypeError: x', lead));
    await send('/webhooks/slack/commands', slashCommandForm('/fix', 'total() ignores quantity', stranger));
    await send('/webhooks/slack/commands', slashCommandForm('/fix', 'total() ignores quantity', viewer));
    await waitFor(() => expect(ephemeral()).toHaveLength(3));
    expect(ephemeral()).toEqual(
      expect.arrayContaining([
        '⚠️ Repository "shop" is not registered (registered: cart).',
        expect.stringContaining(`<@${stranger}> is not linked to a Mender user`),
        expect.stringContaining('vic, a viewer; only a team-lead or above may start a fix'),
      ]),
    );
    expect(await operationsFromSlack()).toEqual([]);

    const deploy = await send('/webhooks/slack/commands', slashCommandForm('/deploy', 'staging', lead));
    expect(deploy.json.text).toBe('Got it: deploying to staging. Mender posts the deployment in this channel.');
    await waitFor(() =>
      expect(ephemeral()).toContain('⚠️ No repository has deploy settings yet: give one some with `mender repo deploy <repo> …` (docs/deploy.md).'),
    );
    const help = await send('/webhooks/slack/commands', slashCommandForm('/agent', 'help', viewer));
    expect(help.json.text).toContain('/agent status <id>');

    const stack =
      "TypeError: Cannot read properties of undefined (reading 'quantity')\n    at total (src/cart.ts:3:40)\n    at checkout (src/checkout.ts:12:5)";
    await send('/webhooks/slack/commands', slashCommandForm('/debug', stack, lead));
    const [started] = await waitFor(async () => {
      const found = await operationsFromSlack();
      expect(found).toHaveLength(1);
      return found;
    });
    const operation = (await mender.call('GET', `/api/operations/${started.id}`)).json;
    expect(operation).toMatchObject({
      type: 'debug',
      errorContext: { message: "TypeError: Cannot read properties of undefined (reading 'quantity')", stack: expect.stringContaining('src/cart.ts:3:40') },
    });

    await send('/webhooks/slack/commands', slashCommandForm('/agent', `status ${started.id}`, viewer));
    await send('/webhooks/slack/commands', slashCommandForm('/agent', 'list', viewer));
    await waitFor(() => expect(slack.callsTo('chat.postEphemeral')).toHaveLength(6));
    // Deliveries are processed concurrently: the two answers may come in either order.
    expect(ephemeral().filter((text) => text.startsWith(`debug ${started.id}: `))).toHaveLength(1);
    expect(ephemeral().filter((text) => text.startsWith('*Latest operations*') && text.includes(`\`${started.id}\` debug`))).toHaveLength(1);

    // The inbox shows every stored command with its outcome.
    const deliveries = await waitFor(async () => {
      const listed = (await mender.call('GET', '/api/integrations/deliveries?source=slack')).json.deliveries;
      expect(listed.map((delivery: { status: string }) => delivery.status)).toEqual(Array(7).fill('processed'));
      return listed;
    });
    expect(deliveries.map((delivery: { outcome: string }) => delivery.outcome)).toEqual(
      expect.arrayContaining([`operation ${started.id} started`, expect.stringMatching(/^refused: /)]),
    );
  });
});
