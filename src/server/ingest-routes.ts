import type { Context, Hono } from 'hono';
import { IngestError } from '../detect/ingest-error.ts';
import { logLineToEvent } from '../detect/log-lines.ts';
import { decodeBody, readLimitedBody, type IngestRequest } from '../detect/read-body.ts';
import { keyFromAuthHeader } from '../detect/sentry-auth.ts';
import { checkKey, findProject, ingestSentryRequest, maxEventItemBytes, takeQuota, type IngestServices } from '../detect/sentry-ingest.ts';
import type { AppEnvironment } from './authenticate.ts';
import { readBodyWithin } from '../http/read-body-within.ts';

/**
 * The Sentry SDK protocol (`/api/<project>/envelope/` and `/store/`) and the JSON-lines log
 * endpoint. They authenticate with the project's public DSN key, not a bearer token, and
 * enforce their own size limits, so app.ts registers them before the /api/* middleware.
 */
export function registerIngestRoutes(app: Hono<AppEnvironment>, services: IngestServices): void {
  for (const kind of ['envelope', 'store'] as const) {
    // A refusal is an IngestError, which the app's error handler answers in Sentry's shape.
    const handler = async (c: Context<AppEnvironment>) => {
      const result = await ingestSentryRequest(services, kind, c.req.param('projectId') ?? '', ingestRequestOf(c));
      return c.json({ id: result.id });
    };
    app.post(`/api/:projectId/${kind}/`, handler);
    app.post(`/api/:projectId/${kind}`, handler);
  }

  app.post('/api/logs/:projectId', async (c) => {
    const project = await findProject(services.projects, c.req.param('projectId'));
    const keyKind = checkKey(
      project,
      c.req.query('sentry_key') ?? keyFromAuthHeader(c.req.header('x-sentry-auth')) ?? keyFromAuthHeader(c.req.header('authorization')),
    );
    const raw = await readLimitedBody(ingestRequestOf(c), services.maxEnvelopeBytes);
    const body = await decodeBody(raw, c.req.header('content-encoding'), services.maxEnvelopeBytes);
    const events: string[] = [];
    let lines = 0;
    for (const line of body.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines += 1;
      if (Buffer.byteLength(line) > maxEventItemBytes) throw new IngestError(413, 'line_too_large', `line ${lines} is longer than ${maxEventItemBytes} bytes`);
      if (line.trimStart().startsWith('{')) {
        try {
          JSON.parse(line);
        } catch {
          throw new IngestError(400, 'malformed_line', `line ${lines} starts like JSON but is not valid JSON: send one JSON object per line`);
        }
      }
      const event = logLineToEvent(line, `api:${project.name}`);
      if (event) events.push(JSON.stringify(event));
    }
    takeQuota(services, project, events.length);
    if (events.length)
      await services.inbox.write([
        { projectId: project.id, source: 'log', payload: `[${events.join(',')}]`, events: events.length, serverSide: keyKind === 'server' },
      ]);
    return c.json({ lines, events: events.length });
  });
}

function ingestRequestOf(c: Context<AppEnvironment>): IngestRequest {
  return {
    query: (name) => c.req.query(name),
    header: (name) => c.req.header(name),
    readBody: (limit, tooLarge) => readBodyWithin(c, limit, tooLarge),
  };
}
