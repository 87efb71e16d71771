import { afterEach, describe, expect, it, vi } from 'vitest';
import { roleScript, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import type { MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import type { TargetRepository } from '../support/target-repository.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';

const botToken = 'xoxb-test-bot-token';
const notifyChannel = 'C0TEAM';

describe('Slack notifications in the team channel', () => {
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

  it('announces plan ready, approval requested, merged, failed and paused, a burst in one message', { timeout: 240_000 }, async () => {
    slack = await startFakeSlackApi({ token: botToken });
    const coder = coderReplies();
    ({ model, mender, target } = await startCartPipeline(
      roleScript({
        // A task about a missing file gets no plan: the planner gives up and the operation fails.
        planner: (request) =>
          JSON.stringify(request.body).includes('inventory')
            ? { text: 'I cannot find an inventory module.' }
            : (plannerReplies[countAssistantTurns(request.body)] ?? { text: 'done' }),
        coder: (request) => coder[countAssistantTurns(request.body)] ?? { text: 'done' },
        reviewer: reviewerReplies,
      }),
      // Only notifications: no signing secret, so no slash commands.
      { MENDER_SLACK_BOT_TOKEN: botToken, MENDER_SLACK_API_URL: slack.url, MENDER_SLACK_NOTIFY_CHANNEL: notifyChannel },
    ));
    const notices = () => slack!.messages.filter((message) => message.channel === notifyChannel).map((message) => message.text);

    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id as string;
    await mender.waitForStatus(id, ['awaiting_approval']);
    await vi.waitFor(() => expect(notices().join('\n')).toContain(`🙋 Approval requested for fix \`${id}\``), { timeout: 20_000 });
    expect(notices().join('\n')).toContain(`📋 Plan ready for fix \`${id}\` (total() ignores quantity): Multiply price by quantity in total()`);
    await mender.call('POST', `/api/operations/${id}/approve`);
    await mender.waitForStatus(id, ['done']);
    await vi.waitFor(() => expect(notices().join('\n')).toContain(`🎉 Merged fix \`${id}\``), { timeout: 20_000 });

    const failing = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'inventory count is off by one', repo: 'cart' })).json
      .id as string;
    await mender.waitForStatus(failing, ['failed']);
    await vi.waitFor(() => expect(notices().join('\n')).toContain(`❌ Failed fix \`${failing}\``), { timeout: 20_000 });

    // Pause and resume in quick succession: one message with both.
    const before = notices().length;
    await mender.call('POST', '/api/agent/pause', { reason: 'incident 42' });
    await mender.call('POST', '/api/agent/resume');
    await vi.waitFor(() => expect(notices().length).toBe(before + 1), { timeout: 20_000 });
    expect(notices().at(-1)).toBe('*2 updates from Mender*\n• ⏸️ Mender was paused by admin: incident 42\n• ▶️ Mender was resumed by admin');
    // Progress chatter (tool calls, verification steps) never reaches the channel.
    expect(notices().every((text) => /^(📋|🙋|🎉|❌|⏸️|▶️|\*\d+ updates)/.test(text))).toBe(true);
    expect(slack.calls.every((call) => call.token === botToken)).toBe(true);
  });
});
