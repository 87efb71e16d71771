/** The Jira Cloud REST API (v3) calls Mender makes: comment on an issue, move it through a transition. */
export interface JiraClient {
  comment(issueKey: string, text: string): Promise<void>;
  /** Applies the transition named `name` (or leading to a status of that name); false when the issue offers none. */
  transition(issueKey: string, name: string): Promise<{ applied: boolean; available: string[] }>;
}

export class JiraApiError extends Error {
  override name = 'JiraApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Plain text as an Atlassian Document (one paragraph per line), as v3 comments require. */
export function textToDocument(text: string) {
  return {
    type: 'doc',
    version: 1,
    content: text.split('\n').map((line) => (line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph', content: [] })),
  };
}

/** The text of an Atlassian Document (a v3 description), or the string itself (wiki markup). */
export function documentToText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return '';
  const node = value as { type?: string; text?: string; content?: unknown[] };
  if (node.type === 'text') return node.text ?? '';
  const inner = (node.content ?? []).map(documentToText);
  return ['paragraph', 'heading', 'codeBlock', 'listItem'].includes(node.type ?? '') ? `${inner.join('')}\n` : inner.join('');
}

export function createJiraClient(options: { baseUrl: string; email: string; apiToken: string; timeoutMs?: number }): JiraClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
  const call = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new JiraApiError(response.status, `Jira ${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    async comment(issueKey, text) {
      await call('POST', `/rest/api/3/issue/${encodeURIComponent(issueKey)}/comment`, { body: textToDocument(text) });
    },
    async transition(issueKey, name) {
      const listed = (await call('GET', `/rest/api/3/issue/${encodeURIComponent(issueKey)}/transitions`)) as {
        transitions?: { id: string; name: string; to?: { name?: string } }[];
      };
      const transitions = listed.transitions ?? [];
      const wanted = name.toLowerCase();
      const match = transitions.find((item) => item.name.toLowerCase() === wanted) ?? transitions.find((item) => item.to?.name?.toLowerCase() === wanted);
      if (!match) return { applied: false, available: transitions.map((item) => item.name) };
      await call('POST', `/rest/api/3/issue/${encodeURIComponent(issueKey)}/transitions`, { transition: { id: match.id } });
      return { applied: true, available: transitions.map((item) => item.name) };
    },
  };
}
