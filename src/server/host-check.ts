import type { Context, Next } from 'hono';
import type { Settings } from '../config/settings-schema.ts';
import { HttpError } from '../http/http-error.ts';

const loopbackNames = ['localhost', '127.0.0.1', '::1'];
const wildcardAddresses = new Set(['0.0.0.0', '::']);

/** True when `host` (a listen address) is reachable only from this machine. */
export function isLoopbackAddress(host: string): boolean {
  return loopbackNames.includes(host.toLowerCase()) || /^127\./.test(host);
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower-case, without port or brackets. */
function hostnameOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') > 0 ? value.indexOf(']') : undefined);
  // A bare IPv6 address (a setting, not a Host header) has more than one colon and no port.
  if (value.indexOf(':') !== value.lastIndexOf(':')) return value;
  return value.split(':')[0] ?? '';
}

/**
 * The host names requests may name, or undefined when any is accepted: listening beyond loopback
 * with neither MENDER_PUBLIC_URL nor MENDER_ALLOWED_HOSTS set (start-mender warns about that).
 */
export function allowedHostnames(settings: Pick<Settings, 'host' | 'publicUrl' | 'allowedHosts'>): Set<string> | undefined {
  const configured = [...(settings.publicUrl ? [new URL(settings.publicUrl).hostname] : []), ...(settings.allowedHosts ?? [])];
  if (!configured.length && !isLoopbackAddress(settings.host)) return undefined;
  const names = [...loopbackNames, ...configured, ...(wildcardAddresses.has(settings.host) ? [] : [settings.host])];
  return new Set(names.map(hostnameOf));
}

/**
 * Refuses (421) a request whose Host is not one Mender answers to, so a page on another site that
 * rebinds its DNS name to Mender's address cannot reach the routes that need no token.
 */
export function createHostCheck(settings: Pick<Settings, 'host' | 'publicUrl' | 'allowedHosts'>) {
  const allowed = allowedHostnames(settings);
  return async (c: Context, next: Next) => {
    if (allowed) {
      const header = c.req.header('host') ?? new URL(c.req.url).host;
      const name = hostnameOf(header);
      if (!allowed.has(name))
        throw new HttpError(
          421,
          'host_not_allowed',
          `this Mender does not answer to the host "${name}": open it at ${[...allowed].join(', ')}, or add the name to MENDER_ALLOWED_HOSTS (or set MENDER_PUBLIC_URL)`,
        );
    }
    await next();
  };
}
