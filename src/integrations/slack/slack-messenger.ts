import { WebClient, type Block, type KnownBlock, type View } from '@slack/web-api';

export type SlackBlocks = (KnownBlock | Block)[];

export interface SlackMessage {
  channel: string;
  /** Plain text: the notification text, and what clients without blocks show. */
  text: string;
  blocks?: SlackBlocks;
  threadTs?: string;
}

/** The Slack Web API calls Mender makes, and nothing else. */
export interface SlackMessenger {
  /** Posts a message; returns its ts (the message's id within the channel). */
  post(message: SlackMessage): Promise<{ ts: string }>;
  update(message: Omit<SlackMessage, 'threadTs'> & { ts: string }): Promise<void>;
  /** A message only `user` sees. */
  postEphemeral(message: Omit<SlackMessage, 'threadTs'> & { user: string; threadTs?: string }): Promise<void>;
  openView(triggerId: string, view: View): Promise<void>;
}

export interface SlackMessengerOptions {
  token: string;
  /** Base URL of the Web API, ending in `/api/` (a fake on loopback in tests). */
  apiUrl: string;
  /** Retries of one call (rate limits, 5xx); the inbox retries the whole delivery on top. Default 2. */
  retries?: number;
}

/** A SlackMessenger on `@slack/web-api`. */
export function createSlackMessenger(options: SlackMessengerOptions): SlackMessenger {
  const client = new WebClient(options.token, {
    slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    // Mender's own logger reports failures; the client's console logging would only repeat them.
    logLevel: undefined,
  });
  return {
    async post(message) {
      const result = await client.chat.postMessage({
        channel: message.channel,
        text: message.text,
        blocks: message.blocks,
        thread_ts: message.threadTs,
        unfurl_links: false,
      });
      if (!result.ts) throw new Error(`Slack chat.postMessage to ${message.channel} returned no ts`);
      return { ts: result.ts };
    },
    async update(message) {
      await client.chat.update({ channel: message.channel, ts: message.ts, text: message.text, blocks: message.blocks ?? [] });
    },
    async postEphemeral(message) {
      await client.chat.postEphemeral({
        channel: message.channel,
        user: message.user,
        text: message.text,
        blocks: message.blocks,
        thread_ts: message.threadTs,
      });
    },
    async openView(triggerId, view) {
      await client.views.open({ trigger_id: triggerId, view });
    },
  };
}
