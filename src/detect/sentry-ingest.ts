import crypto from 'node:crypto';
import { parseEnvelope } from './envelope.ts';
import { IngestError } from './ingest-error.ts';
import type { ProjectQuota } from './project-quota.ts';
import type { ProjectRow, ProjectStore } from './project-store.ts';
import { decodeBody, type IngestRequest } from './read-body.ts';
import { keyFromAuthHeader, keyFromDsn } from './sentry-auth.ts';
import type { Inbox } from './spool-inbox.ts';

export const maxEventItemBytes = 1024 * 1024;
/** Largest envelope (sent and decompressed) read before its key is known: the key is then inside it. */
export const maxKeylessEnvelopeBytes = 64 * 1024;

function tooLarge(limit: number): IngestError {
  return new IngestError(413, 'payload_too_large', `the envelope is larger than ${limit} bytes (MENDER_DETECT_MAX_ENVELOPE_BYTES)`);
}

function keylessTooLarge(): IngestError {
  return new IngestError(
    413,
    'payload_too_large',
    `an envelope whose key is only in its header "dsn" may be at most ${maxKeylessEnvelopeBytes} bytes: send the key as ?sentry_key= or in X-Sentry-Auth for larger ones`,
  );
}

export interface IngestServices {
  projects: ProjectStore;
  quota: ProjectQuota;
  inbox: Pick<Inbox, 'write'>;
  maxEnvelopeBytes: number;
  defaultRateLimitPerMinute: number;
}

/** Item types that become events; every other type (session, client_report, attachment, transaction…) is skipped. */
const eventItemTypes = new Set(['event']);

/**
 * One Sentry request, envelope or store: checks project, key, size, format and quota — any
 * failure stores nothing — then returns once the events are durable in the inbox.
 */
export async function ingestSentryRequest(
  services: IngestServices,
  kind: 'envelope' | 'store',
  projectIdText: string,
  request: IngestRequest,
): Promise<{ id: string | null; stored: number }> {
  const project = await findProject(services.projects, projectIdText);
  let key = request.query('sentry_key') ?? keyFromAuthHeader(request.header('x-sentry-auth')) ?? keyFromAuthHeader(request.header('authorization'));
  // A key in the URL or a header is checked before a byte of the body is read; only an envelope can
  // carry its key inside (the header's "dsn"), and that is read within a small bound first.
  if (key || kind === 'store') checkKey(project, key);
  const limit = key ? services.maxEnvelopeBytes : Math.min(services.maxEnvelopeBytes, maxKeylessEnvelopeBytes);
  const raw = await request.readBody(limit, () => (key ? tooLarge(limit) : keylessTooLarge()));
  const body = await decodeBody(raw, request.header('content-encoding'), limit).catch((error: unknown) => {
    throw !key && error instanceof IngestError && error.status === 413 ? keylessTooLarge() : error;
  });
  let payloads: Buffer[];
  let keyKind: KeyKind;
  let id: string | null = null;
  if (kind === 'envelope') {
    const envelope = parseEnvelope(body);
    key ??= keyFromDsn(envelope.header.dsn);
    keyKind = checkKey(project, key);
    id = typeof envelope.header.event_id === 'string' ? envelope.header.event_id : null;
    payloads = envelope.items.filter((item) => eventItemTypes.has(item.type)).map((item) => item.payload);
  } else {
    keyKind = checkKey(project, key);
    payloads = [body];
  }
  const texts: string[] = [];
  for (const [index, payload] of payloads.entries()) {
    if (payload.length > maxEventItemBytes)
      throw new IngestError(413, 'event_too_large', `event ${index + 1} is ${payload.length} bytes; one event may be at most ${maxEventItemBytes} bytes`);
    const text = payload.toString('utf8');
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      throw new IngestError(400, 'malformed_event', `event ${index + 1} is not valid JSON`);
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw new IngestError(400, 'malformed_event', `event ${index + 1} is not a JSON object`);
    const eventId = (event as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') id ??= eventId;
    // Stored as sent, unless the SDK gave no id: then one is added so samples can be named.
    texts.push(typeof eventId === 'string' ? text : JSON.stringify({ ...event, event_id: (id ??= crypto.randomUUID().replace(/-/g, '')) }));
  }
  takeQuota(services, project, texts.length);
  // One inbox entry per request, its events as a JSON array: a 100-event envelope is one record, not 100.
  if (texts.length)
    await services.inbox.write([
      { projectId: project.id, source: 'sentry', payload: `[${texts.join(',')}]`, events: texts.length, serverSide: keyKind === 'server' },
    ]);
  return { id, stored: texts.length };
}
export async function findProject(projects: ProjectStore, projectIdText: string): Promise<ProjectRow> {
  const projectId = /^\d{1,9}$/.test(projectIdText) ? Number(projectIdText) : NaN;
  const project = Number.isNaN(projectId) ? undefined : await projects.cachedById(projectId);
  if (!project) throw new IngestError(404, 'unknown_project', `project ${projectIdText} does not exist: check the DSN (mender project list)`);
  return project;
}

/** Which of a project's two keys a request came with. */
export type KeyKind = 'public' | 'server';

export function checkKey(project: Pick<ProjectRow, 'id' | 'publicKey' | 'serverKey'>, key: string | undefined | null): KeyKind {
  if (!key)
    throw new IngestError(401, 'missing_key', 'no project key: give the DSN\'s key as ?sentry_key=, in X-Sentry-Auth, or in the envelope header\'s "dsn"');
  // Both compared, whichever matches, so the time taken does not tell which key was close.
  const isPublic = sameKey(key, project.publicKey);
  const isServer = sameKey(key, project.serverKey);
  if (isServer) return 'server';
  if (isPublic) return 'public';
  throw new IngestError(401, 'invalid_key', `the key does not belong to project ${project.id}: copy the DSN from \`mender project list\``);
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function takeQuota(services: Pick<IngestServices, 'quota' | 'defaultRateLimitPerMinute'>, project: ProjectRow, events: number): void {
  if (events === 0) return;
  const limit = project.rateLimitPerMinute ?? services.defaultRateLimitPerMinute;
  const taken = services.quota.take(project.id, limit, events);
  if (!taken.ok) {
    throw new IngestError(429, 'rate_limited', `project ${project.id} may send ${limit} events per minute; try again in ${taken.retryAfterSeconds} s`, {
      'retry-after': String(taken.retryAfterSeconds),
      // retry_after:categories:scope — an empty category list covers every category.
      'x-sentry-rate-limits': `${taken.retryAfterSeconds}::project`,
    });
  }
}
