import { z } from 'zod';
import type { ErrorContext } from '../../agent/task-context.ts';

const frame = z
  .object({
    filename: z.string().nullish(),
    abs_path: z.string().nullish(),
    module: z.string().nullish(),
    function: z.string().nullish(),
    lineno: z.number().nullish(),
    colno: z.number().nullish(),
    in_app: z.boolean().nullish(),
  })
  .passthrough();
const exceptionValue = z
  .object({
    type: z.string().nullish(),
    value: z.string().nullish(),
    stacktrace: z
      .object({ frames: z.array(frame).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();

/** The parts of a Sentry event (as in an issue alert) Mender reads. */
export const sentryEvent = z
  .object({
    event_id: z.string().optional(),
    title: z.string().nullish(),
    message: z.string().nullish(),
    culprit: z.string().nullish(),
    url: z.string().nullish(),
    web_url: z.string().nullish(),
    issue_id: z.union([z.string(), z.number()]).nullish(),
    project: z.union([z.string(), z.number()]).nullish(),
    exception: z
      .object({ values: z.array(exceptionValue).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type SentryEvent = z.infer<typeof sentryEvent>;

/**
 * A Sentry event as an operation's error context: the exception as the message, and its frames as
 * a Node-style stack (`at fn (file:line:col)`), the most recent call first and the application's
 * own frames only when there are any, so the planner's repository map starts with those files.
 */
export function errorContextFromEvent(event: SentryEvent): ErrorContext {
  const exceptions = event.exception?.values ?? [];
  const last = exceptions.at(-1);
  const message = last ? [last.type, last.value].filter(Boolean).join(': ') || event.title || 'Sentry error' : event.title || event.message || 'Sentry error';
  const stacks: string[] = [];
  for (const exception of [...exceptions].reverse()) {
    const frames = exception.stacktrace?.frames ?? [];
    const own = frames.filter((item) => item.in_app);
    const shown = (own.length ? own : frames).slice(-30).reverse();
    const lines = shown.map((item) => {
      const file = item.filename || item.abs_path || item.module || '?';
      const position = item.lineno ? `:${item.lineno}${item.colno ? `:${item.colno}` : ''}` : '';
      return `    at ${item.function || '<anonymous>'} (${file}${position})`;
    });
    if (lines.length) stacks.push([`${[exception.type, exception.value].filter(Boolean).join(': ')}`, ...lines].join('\n'));
  }
  const logs = [event.culprit ? `culprit: ${event.culprit}` : '', event.web_url ? `Sentry: ${event.web_url}` : ''].filter(Boolean).join('\n');
  return { message, ...(stacks.length ? { stack: stacks.join('\n\nCaused:\n') } : {}), ...(logs ? { logs } : {}) };
}

/** The project slug of an event: from its API url (…/projects/<org>/<slug>/events/…), else its project id. */
export function projectOfEvent(event: SentryEvent): string | undefined {
  const fromUrl = /\/projects\/[^/]+\/([^/]+)\/events\//.exec(event.url ?? '')?.[1];
  return fromUrl ?? (event.project === undefined || event.project === null ? undefined : String(event.project));
}
