/** A Mender's answer to one API call: the status, the body as text, and as JSON when it is an object. */
export interface MenderAnswer {
  status: number;
  text: string;
  json: any;
}

/** One API call to a Mender process over HTTP with a bearer token, as the CLI or a script makes it. */
export async function callMender(url: string, token: string, method: string, route: string, body?: unknown): Promise<MenderAnswer> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}
