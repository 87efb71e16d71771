export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One JSON line per entry on stderr, redacted before it is written. */
export function createLogger(
  level: LogLevel,
  redact: (text: string) => string,
  write: (line: string) => void = (line) => void process.stderr.write(line),
): Logger {
  const log = (entryLevel: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (order[entryLevel] < order[level]) return;
    write(redact(JSON.stringify({ time: new Date().toISOString(), level: entryLevel, message, ...fields })) + '\n');
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
