import { z } from 'zod';

/** One stack frame as Mender keeps it (Sentry's field names, camel-cased). */
export interface EventFrame {
  filename?: string;
  module?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  inApp: boolean;
}

export interface EventException {
  type: string;
  value: string;
  frames: EventFrame[];
}

export type EventSource = 'sentry' | 'log' | 'health';

/** What digest reads from an accepted event, whatever sent it (SDK, log line, health check). */
export interface DetectedEvent {
  eventId: string;
  source: EventSource;
  level: string;
  message: string;
  /** Oldest first, as Sentry sends them (the last one is the error that was thrown). */
  exception: EventException[];
  fingerprint?: string[];
  release?: string;
  environment?: string;
  user?: { id?: string; email?: string; ipAddress?: string; username?: string };
  route?: string;
  timestamp?: string;
}

const text = z.string().max(100_000);
const frameSchema = z
  .object({
    filename: text.nullish(),
    abs_path: text.nullish(),
    module: text.nullish(),
    function: text.nullish(),
    lineno: z.number().nullish(),
    colno: z.number().nullish(),
    in_app: z.boolean().nullish(),
  })
  .passthrough();
const exceptionSchema = z
  .object({
    type: text.nullish(),
    value: text.nullish(),
    module: text.nullish(),
    stacktrace: z
      .object({ frames: z.array(frameSchema).max(500).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();
const messageSchema = z.union([text, z.object({ formatted: text.nullish(), message: text.nullish() }).passthrough()]);

/** The parts of a Sentry event payload Mender uses; everything else is kept in the sample as sent. */
export const sentryEventSchema = z
  .object({
    event_id: z.string().max(64).nullish(),
    level: z.string().max(20).nullish(),
    message: messageSchema.nullish(),
    logentry: z.object({ formatted: text.nullish(), message: text.nullish() }).passthrough().nullish(),
    exception: z.union([z.object({ values: z.array(exceptionSchema).max(50).nullish() }).passthrough(), z.array(exceptionSchema).max(50)]).nullish(),
    fingerprint: z
      .array(z.union([z.string().max(1000), z.number()]))
      .max(50)
      .nullish(),
    release: z.string().max(500).nullish(),
    environment: z.string().max(200).nullish(),
    user: z
      .object({
        id: z.union([z.string(), z.number()]).nullish(),
        email: z.string().nullish(),
        ip_address: z.string().nullish(),
        username: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
    transaction: z.string().max(2000).nullish(),
    request: z
      .object({ url: z.string().max(10_000).nullish() })
      .passthrough()
      .nullish(),
    tags: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
    timestamp: z.union([z.number(), z.string()]).nullish(),
  })
  .passthrough();

export type SentryEvent = z.output<typeof sentryEventSchema>;

/** Turns a Sentry event payload (already JSON-parsed) into a DetectedEvent, or says what is wrong. */
export function parseSentryEvent(payload: unknown, source: EventSource = 'sentry'): { ok: true; event: DetectedEvent } | { ok: false; message: string } {
  const parsed = sentryEventSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `the event is not a Sentry event: ${issue?.path.join('.') || '(event)'}: ${issue?.message ?? 'invalid'}` };
  }
  const event = parsed.data;
  const exceptionList = Array.isArray(event.exception) ? event.exception : (event.exception?.values ?? []);
  const exception: EventException[] = exceptionList.map((item) => ({
    type: item.type ?? 'Error',
    value: item.value ?? '',
    frames: (item.stacktrace?.frames ?? []).map((frame) => ({
      filename: frame.filename ?? frame.abs_path ?? undefined,
      module: frame.module ?? undefined,
      function: frame.function ?? undefined,
      lineno: frame.lineno ?? undefined,
      colno: frame.colno ?? undefined,
      inApp: frame.in_app ?? inAppByPath(frame.filename ?? frame.abs_path ?? ''),
    })),
  }));
  const message =
    typeof event.message === 'string'
      ? event.message
      : (event.message?.formatted ?? event.message?.message ?? event.logentry?.formatted ?? event.logentry?.message ?? '');
  const user = event.user
    ? {
        id: event.user.id === null || event.user.id === undefined ? undefined : String(event.user.id),
        email: event.user.email ?? undefined,
        ipAddress: event.user.ip_address ?? undefined,
        username: event.user.username ?? undefined,
      }
    : undefined;
  return {
    ok: true,
    event: {
      eventId: event.event_id ?? '',
      source,
      level: (event.level ?? 'error').toLowerCase(),
      message,
      exception,
      fingerprint: event.fingerprint?.length ? event.fingerprint.map(String) : undefined,
      release: event.release ?? undefined,
      environment: event.environment ?? undefined,
      user,
      route: routeOf(event),
      timestamp: timestampOf(event.timestamp),
    },
  };
}

/** Seconds since the epoch (Sentry's number) as ISO text; a number no date can hold is left out, not thrown on. */
function timestampOf(timestamp: number | string | null | undefined): string | undefined {
  if (typeof timestamp !== 'number') return timestamp ?? undefined;
  const date = new Date(timestamp * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Without the SDK's own flag, library and runtime code is not the application's. */
function inAppByPath(file: string): boolean {
  return !!file && !file.includes('node_modules') && !file.startsWith('node:') && !file.startsWith('internal/');
}

function routeOf(event: SentryEvent): string | undefined {
  const tags = event.tags && !Array.isArray(event.tags) ? event.tags : {};
  if (typeof tags.route === 'string') return tags.route;
  if (event.request?.url) {
    try {
      return new URL(event.request.url, 'http://localhost').pathname;
    } catch {
      return undefined;
    }
  }
  return event.transaction ?? undefined;
}

/** The stack as Node prints it (innermost frame first, `file:line:column`), for the planner and for people. */
export function stackTraceText(exception: EventException[]): string {
  return [...exception]
    .reverse()
    .map((item) => {
      const frames = [...item.frames].reverse().map((frame) => {
        const where = `${frame.filename ?? frame.module ?? '<unknown>'}${frame.lineno !== undefined ? `:${frame.lineno}` : ''}${frame.colno !== undefined ? `:${frame.colno}` : ''}`;
        return frame.function ? `    at ${frame.function} (${where})` : `    at ${where}`;
      });
      return [`${item.type}: ${item.value}`, ...frames].join('\n');
    })
    .join('\nCaused:\n');
}
