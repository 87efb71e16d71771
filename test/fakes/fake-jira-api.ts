import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJiraIssue {
  key: string;
  status: string;
  /** Comment texts (the paragraphs of each Atlassian Document joined by newlines), oldest first. */
  comments: string[];
  /** Transition names applied, oldest first. */
  transitions: string[];
}

export interface FakeJiraApi {
  url: string;
  issues: Map<string, FakeJiraIssue>;
  issue(key: string): FakeJiraIssue;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

// A small workflow: every issue may move to any of these; transition ids as Jira Cloud numbers them.
const workflow = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'In Progress', to: 'In Progress' },
  { id: '31', name: 'In Review', to: 'In Review' },
  { id: '41', name: 'Done', to: 'Done' },
];

function documentText(document: any): string {
  return (document?.content ?? []).map((paragraph: any) => (paragraph.content ?? []).map((node: any) => node.text ?? '').join('')).join('\n');
}

/** The Jira Cloud REST API v3 comment and transition endpoints on loopback, with basic auth as Jira checks it. */
export async function startFakeJiraApi(options: { email: string; apiToken: string }): Promise<FakeJiraApi> {
  const issues = new Map<string, FakeJiraIssue>();
  const requests: { method: string; path: string }[] = [];
  const issue = (key: string) => {
    let found = issues.get(key);
    if (!found) issues.set(key, (found = { key, status: 'To Do', comments: [], transitions: [] }));
    return found;
  };
  const expected = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      requests.push({ method: request.method ?? '', path });
      const send = (status: number, body?: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body === undefined ? '' : JSON.stringify(body));
      };
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected)))
        return send(401, { errorMessages: ['Client must be authenticated to access this resource.'] });
      const match = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]*-\d+)\/(comment|transitions)$/.exec(path);
      if (!match) return send(404, { errorMessages: ['No such route'] });
      const target = issue(match[1]!);
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      if (match[2] === 'comment' && request.method === 'POST') {
        if (body?.body?.type !== 'doc') return send(400, { errorMessages: ['Comment body is not a valid Atlassian Document'] });
        target.comments.push(documentText(body.body));
        return send(201, { id: String(target.comments.length), body: body.body });
      }
      if (match[2] === 'transitions' && request.method === 'GET')
        return send(200, {
          transitions: workflow.filter((item) => item.to !== target.status).map((item) => ({ id: item.id, name: item.name, to: { name: item.to } })),
        });
      if (match[2] === 'transitions' && request.method === 'POST') {
        const chosen = workflow.find((item) => item.id === body?.transition?.id);
        if (!chosen) return send(400, { errorMessages: ['Transition id is not valid for this issue'] });
        target.status = chosen.to;
        target.transitions.push(chosen.name);
        return send(204);
      }
      return send(405, { errorMessages: ['Method not allowed'] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    issues,
    issue,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An issue created (or updated) webhook as Jira sends it. */
export function jiraIssueEvent(key: string, labels: string[], event = 'jira:issue_created') {
  return {
    timestamp: Date.now(),
    webhookEvent: event,
    user: { accountId: '5b10a2844c20165700ede21g', displayName: 'Priya Reporter' },
    issue: {
      id: String(10_000 + Number(key.split('-')[1])),
      key,
      fields: {
        summary: 'Cart total ignores quantity',
        description: {
          type: 'doc',
          version: 1,
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'total() in src/cart.ts adds prices once per line.' }] }],
        },
        labels,
        project: { key: key.split('-')[0] },
      },
    },
  };
}

/** A webhook request signed as Jira signs it: X-Hub-Signature: sha256=<HMAC of the body>. */
export function signedJiraRequest(secret: string, payload: unknown, identifier = crypto.randomUUID()) {
  const body = JSON.stringify(payload);
  const signature = crypto.createHmac('sha256', secret).update(body).digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature': `sha256=${signature}`, 'x-atlassian-webhook-identifier': identifier } };
}
