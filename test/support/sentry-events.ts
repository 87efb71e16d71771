/** A Sentry SDK error event thrown in `functionName` of /srv/app/cart.js. */
export function errorEvent(functionName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    exception: {
      values: [
        {
          type: 'TypeError',
          value: `broken in ${functionName}`,
          stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: functionName, lineno: 3, in_app: true }] },
        },
      ],
    },
    ...extra,
  };
}

/** Events as one Sentry envelope body (an empty header, then an item header and payload per event). */
export function envelope(events: Record<string, unknown>[]): string {
  return `{}\n${events.map((event) => `${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`).join('\n')}\n`;
}
