import type { MenderUnderTest } from '../../support/mender-under-test.ts';

export interface ApiAnswer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** A browser's view of Mender: the session cookie it holds and the CSRF token the page keeps. */
export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  user: { id: string; name: string; role: string };
  /** A request with the cookie; `csrf` (default: the session's token) goes in X-CSRF-Token unless null. */
  call(method: string, route: string, body?: unknown, options?: { csrf?: string | null; headers?: Record<string, string> }): Promise<ApiAnswer>;
}

/** A request without the admin bearer token: what a browser that is not signed in sends. */
export async function anonymousCall(
  mender: MenderUnderTest,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const response = await mender.app.request(route, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    // A string is sent as it is (a policy's YAML); anything else as JSON.
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** The `name=value` part of the session cookie a response set. */
export function sessionCookieOf(answer: ApiAnswer): string {
  const header = answer.headers.get('set-cookie') ?? '';
  const match = /mender_session=([^;]*)/.exec(header);
  if (!match?.[1]) throw new Error(`no mender_session cookie in ${answer.status} ${header} ${answer.text}`);
  return `mender_session=${match[1]}`;
}

export function browserSessionFrom(mender: MenderUnderTest, answer: ApiAnswer): BrowserSession {
  const cookie = sessionCookieOf(answer);
  const session: BrowserSession = {
    cookie,
    csrfToken: answer.json.csrfToken,
    user: answer.json.user,
    call: (method, route, body, options = {}) => {
      const csrf = options.csrf === undefined ? session.csrfToken : options.csrf;
      return anonymousCall(mender, method, route, body, { cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }), ...options.headers });
    },
  };
  return session;
}

export async function signIn(mender: MenderUnderTest, name: string, password: string): Promise<BrowserSession> {
  const answer = await anonymousCall(mender, 'POST', '/api/session', { name, password });
  if (answer.status !== 200) throw new Error(`signing in as ${name} answered ${answer.status}: ${answer.text}`);
  return browserSessionFrom(mender, answer);
}

/** Creates a user with a password through the API (as an admin would) and signs them in. */
export async function createUserAndSignIn(
  mender: MenderUnderTest,
  name: string,
  role: 'viewer' | 'team-lead' | 'admin',
  password = `${name}-password-123`,
): Promise<BrowserSession> {
  const created = await mender.call('POST', '/api/users', { name, role, password });
  if (created.status !== 201) throw new Error(`creating ${name} answered ${created.status}: ${created.text}`);
  return signIn(mender, name, password);
}
