import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../config/settings-schema.ts';

/** A failed API call, with the server's own message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClient {
  baseUrl: string;
  request<Result = unknown>(method: string, route: string, body?: unknown): Promise<Result>;
  text(route: string): Promise<string>;
  stream(route: string, lastEventId: number | undefined, onEvent: (event: { id: number; type: string; data: unknown }) => boolean | void): Promise<void>;
}

/** Talks to a running Mender: MENDER_URL or the configured host and port, token from settings or the data folder. */
export function createApiClient(settings: Settings, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const host = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host;
  const baseUrl = (env.MENDER_URL ?? `http://${host}:${settings.port}`).replace(/\/$/, '');
  const tokenFile = path.join(settings.dataDir, 'admin-token');
  const token = settings.adminToken ?? (fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : undefined);
  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    'x-mender-source': 'cli',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });

  async function call(method: string, route: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${route}`, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, `Mender is not reachable at ${baseUrl}: start it with \`npm start\` (or set MENDER_URL)`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string } };
        message = parsed.error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new ApiError(response.status, `${message} (HTTP ${response.status})`);
    }
    return response;
  }

  return {
    baseUrl,
    request: async <Result>(method: string, route: string, body?: unknown) => (await (await call(method, route, body)).json()) as Result,
    text: async (route) => (await call('GET', route)).text(),
    async stream(route, lastEventId, onEvent) {
      const response = await fetch(`${baseUrl}${route}`, {
        headers: { ...headers(), accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': String(lastEventId) } : {}) },
      });
      if (!response.ok || !response.body) throw new ApiError(response.status, `event stream refused (HTTP ${response.status})`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
          );
          if (!fields.data) continue;
          if (onEvent({ id: Number(fields.id), type: fields.event ?? 'message', data: JSON.parse(fields.data) }) === false) {
            await response.body.cancel().catch(() => undefined);
            return;
          }
        }
      }
    },
  };
}
