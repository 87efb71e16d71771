import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Web API call as Slack would have received it. */
export interface SlackApiCall {
  method: string;
  token: string | undefined;
  /** The arguments, with JSON-encoded fields (blocks, view) decoded. */
  args: Record<string, any>;
  at: number;
}

/** A message as it stands in the fake workspace, with every version it had. */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: any[];
  /** Earlier versions, oldest first (each chat.update pushes the previous one here). */
  history: { text: string; blocks: any[] }[];
}

export interface FakeSlackApi {
  /** Base URL for MENDER_SLACK_API_URL, ending in /api/. */
  url: string;
  calls: SlackApiCall[];
  callsTo(method: string): SlackApiCall[];
  messages: FakeSlackMessage[];
  /** Messages in the thread of `threadTs` (replies only). */
  thread(channel: string, threadTs: string): FakeSlackMessage[];
  /** Every call to `method` waits this long before answering (a slow Slack). */
  delay(method: string, milliseconds: number): void;
  /** The next `count` calls to `method` answer `{ ok: false, error }` (HTTP 200, as Slack does). */
  fail(method: string, error: string, count?: number): void;
  close(): Promise<void>;
}

const jsonFields = new Set(['blocks', 'attachments', 'view', 'metadata']);

/**
 * A Slack Web API on loopback for `@slack/web-api` to talk to: answers chat.postMessage,
 * chat.update, chat.postEphemeral, views.open and auth.test as Slack does, keeps the messages,
 * and records every call. Only the expected bot token is accepted.
 */
export async function startFakeSlackApi(options: { token: string }): Promise<FakeSlackApi> {
  const calls: SlackApiCall[] = [];
  const messages: FakeSlackMessage[] = [];
  const delays = new Map<string, number>();
  const failures = new Map<string, { error: string; count: number }>();
  let clock = 1_700_000_000;
  let sequence = 0;
  const nextTs = () => `${clock + Math.floor(sequence / 1000)}.${String((sequence += 1) % 1000).padStart(6, '0')}`;

  const answer = (method: string, args: Record<string, any>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'mender', team_id: 'T000FAKE', user_id: 'U0MENDER', bot_id: 'B0MENDER' };
      case 'chat.postMessage': {
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
        const message: FakeSlackMessage = {
          channel: String(args.channel),
          ts: nextTs(),
          threadTs: args.thread_ts ? String(args.thread_ts) : undefined,
          text: String(args.text ?? ''),
          blocks: args.blocks ?? [],
          history: [],
        };
        messages.push(message);
        return {
          ok: true,
          channel: message.channel,
          ts: message.ts,
          message: { type: 'message', text: message.text, ts: message.ts, thread_ts: message.threadTs, bot_id: 'B0MENDER', blocks: message.blocks },
        };
      }
      case 'chat.update': {
        const message = messages.find((item) => item.channel === args.channel && item.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.history.push({ text: message.text, blocks: message.blocks });
        message.text = String(args.text ?? '');
        message.blocks = args.blocks ?? [];
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: { text: message.text, blocks: message.blocks } };
      }
      case 'chat.postEphemeral':
        if (!args.channel || !args.user) return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
        if (!args.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
        return { ok: true, view: { id: `V${String((sequence += 1)).padStart(8, '0')}`, ...args.view } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const body = Buffer.concat(chunks).toString('utf8');
      const args: Record<string, any> = {};
      if ((request.headers['content-type'] ?? '').includes('application/json')) Object.assign(args, body ? JSON.parse(body) : {});
      else
        for (const [key, value] of new URLSearchParams(body)) {
          args[key] = jsonFields.has(key) ? JSON.parse(value) : value;
        }
      const authorization = request.headers.authorization;
      const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : (args.token as string | undefined);
      calls.push({ method, token, args, at: Date.now() });
      const respond = () => {
        let result: Record<string, unknown>;
        const failure = failures.get(method);
        if (token !== options.token) result = { ok: false, error: 'invalid_auth' };
        else if (failure && failure.count > 0) {
          failure.count -= 1;
          result = { ok: false, error: failure.error };
        } else result = answer(method, args);
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(result));
      };
      const wait = delays.get(method) ?? 0;
      if (wait > 0) setTimeout(respond, wait);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  clock = Math.floor(Date.now() / 1000);
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    messages,
    thread: (channel, threadTs) => messages.filter((message) => message.channel === channel && message.threadTs === threadTs),
    delay: (method, milliseconds) => void delays.set(method, milliseconds),
    fail: (method, error, count = 1) => void failures.set(method, { error, count }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A signed request as Slack sends it to Mender: form-encoded body, v0 signature, timestamp. */
export function signedSlackRequest(
  signingSecret: string,
  form: Record<string, string>,
  options: { timestamp?: number } = {},
): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = crypto.createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(timestamp) },
  };
}

let triggerSequence = 0;

/** The form fields of a slash command typed by `user` in `channel`. */
export function slashCommandForm(command: string, text: string, user: string, channel = 'C0CHANNEL'): Record<string, string> {
  triggerSequence += 1;
  return {
    token: 'deprecated',
    team_id: 'T000FAKE',
    channel_id: channel,
    user_id: user,
    user_name: user.toLowerCase(),
    command,
    text,
    response_url: 'https://hooks.slack.invalid/commands/1',
    trigger_id: `${Date.now()}.${triggerSequence}.trigger`,
  };
}

/** The form of a button press on `message` (a message the fake holds) by `user`. */
export function buttonPressForm(message: FakeSlackMessage, actionId: string, user: string): Record<string, string> {
  triggerSequence += 1;
  const action = message.blocks
    .flatMap((block: any) => (block.type === 'actions' ? block.elements : []))
    .find((element: any) => element.action_id === actionId);
  if (!action)
    throw new Error(
      `message ${message.ts} has no button ${actionId}; it has: ${JSON.stringify(message.blocks.filter((block: any) => block.type === 'actions'))}`,
    );
  const payload = {
    type: 'block_actions',
    trigger_id: `${Date.now()}.${triggerSequence}.trigger`,
    user: { id: user, username: user.toLowerCase(), team_id: 'T000FAKE' },
    team: { id: 'T000FAKE' },
    channel: { id: message.channel },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, thread_ts: message.threadTs },
    message: { ts: message.ts, thread_ts: message.threadTs, text: message.text, blocks: message.blocks },
    actions: [{ action_id: action.action_id, block_id: 'b', value: action.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
  return { payload: JSON.stringify(payload) };
}

/** The form of a submitted modal: `view` as views.open received it, with `values` typed in. */
export function viewSubmissionForm(view: any, user: string, values: Record<string, Record<string, string>>): Record<string, string> {
  triggerSequence += 1;
  const state = {
    values: Object.fromEntries(
      Object.entries(values).map(([block, fields]) => [
        block,
        Object.fromEntries(Object.entries(fields).map(([action, value]) => [action, { type: 'plain_text_input', value }])),
      ]),
    ),
  };
  const payload = {
    type: 'view_submission',
    trigger_id: `${Date.now()}.${triggerSequence}.trigger`,
    user: { id: user },
    team: { id: 'T000FAKE' },
    view: { ...view, id: `V${triggerSequence}`, state },
  };
  return { payload: JSON.stringify(payload) };
}
