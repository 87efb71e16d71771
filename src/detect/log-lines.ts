import crypto from 'node:crypto';

const errorLevels = new Set(['error', 'err', 'fatal', 'critical', 'crit', 'alert', 'emergency', 'emerg', 'panic']);
const textErrorPattern = /\b(ERROR|FATAL|CRITICAL|PANIC)\b|\b\w*(Error|Exception)\b:/;

/**
 * A log line as a Sentry-shaped event when it is an error, else undefined. JSON lines are read by
 * `level` (a name, or pino/bunyan's number ≥ 50), plain text lines by an ERROR/FATAL word or an
 * `…Error:` / `…Exception:` prefix.
 */
export function logLineToEvent(line: string, logger: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed) return undefined;
  if (trimmed.startsWith('{')) {
    let record: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      record = parsed as Record<string, unknown>;
    } catch {
      return textLine(trimmed, logger);
    }
    const level = record.level ?? record.severity ?? record.lvl;
    const isError = typeof level === 'number' ? level >= 50 : typeof level === 'string' && errorLevels.has(level.toLowerCase());
    if (!isError) return undefined;
    const message = String(record.message ?? record.msg ?? record.error ?? trimmed).slice(0, 10_000);
    const stack =
      typeof record.stack === 'string'
        ? record.stack
        : typeof (record.err as { stack?: unknown } | undefined)?.stack === 'string'
          ? String((record.err as { stack: string }).stack)
          : undefined;
    return {
      event_id: crypto.randomUUID().replace(/-/g, ''),
      level: typeof level === 'number' && level >= 60 ? 'fatal' : 'error',
      logger,
      message,
      ...(stack ? { exception: { values: [exceptionFromStack(stack, message)] } } : {}),
      ...(typeof record.release === 'string' ? { release: record.release } : {}),
      ...(typeof record.environment === 'string' ? { environment: record.environment } : {}),
      ...(typeof record.route === 'string' ? { tags: { route: record.route } } : {}),
      ...(record.user && typeof record.user === 'object' ? { user: record.user } : {}),
    };
  }
  return textLine(trimmed, logger);
}

function textLine(line: string, logger: string): Record<string, unknown> | undefined {
  if (!textErrorPattern.test(line)) return undefined;
  return { event_id: crypto.randomUUID().replace(/-/g, ''), level: /\b(FATAL|PANIC)\b/.test(line) ? 'fatal' : 'error', logger, message: line.slice(0, 10_000) };
}

/** Reads a Node-style stack (`Type: message` then `at fn (file:line:col)` lines) into Sentry's exception shape. */
export function exceptionFromStack(stack: string, fallbackMessage: string): Record<string, unknown> {
  const lines = stack.split('\n');
  const head = /^(\w+(?:Error|Exception)?): ?(.*)$/.exec(lines[0]?.trim() ?? '');
  const frames = lines
    .slice(1)
    .map((text) => /^\s*at (?:(.+?) \()?(.+?):(\d+)(?::(\d+))?\)?$/.exec(text))
    .filter((match): match is RegExpExecArray => !!match)
    .map((match) => ({
      function: match[1],
      filename: match[2],
      lineno: Number(match[3]),
      colno: match[4] ? Number(match[4]) : undefined,
      in_app: !match[2]!.includes('node_modules') && !match[2]!.startsWith('node:'),
    }))
    .reverse();
  return { type: head?.[1] ?? 'Error', value: head?.[2] ?? fallbackMessage, stacktrace: { frames } };
}
