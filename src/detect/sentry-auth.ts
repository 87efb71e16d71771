/** The public key from `X-Sentry-Auth: Sentry sentry_key=…, sentry_version=7` (or the same in Authorization). */
export function keyFromAuthHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /(?:^|[\s,])sentry_key\s*=\s*([^\s,]+)/.exec(header);
  return match?.[1];
}

/** The public key from a DSN, `http://<key>@host:port/<project>`, as an envelope header carries it. */
export function keyFromDsn(dsn: unknown): string | undefined {
  if (typeof dsn !== 'string') return undefined;
  try {
    return new URL(dsn).username || undefined;
  } catch {
    return undefined;
  }
}
