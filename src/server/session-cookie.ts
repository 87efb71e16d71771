import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const sessionCookieName = 'mender_session';
export const csrfHeaderName = 'x-csrf-token';

/** True when the browser reached Mender over https: directly, through a proxy that says so, or MENDER_PUBLIC_URL is https. */
function overHttps(c: Context): boolean {
  if ((c.get('publicUrl') as string | undefined)?.startsWith('https:')) return true;
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return forwarded === 'https' || new URL(c.req.url).protocol === 'https:';
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, sessionCookieName) || undefined;
}

/**
 * The session cookie: HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot send
 * it), Secure over https. No Max-Age: the server decides expiry and says so (`session_expired`).
 */
export function writeSessionCookie(c: Context, sessionId: string): void {
  setCookie(c, sessionCookieName, sessionId, { httpOnly: true, sameSite: 'Strict', path: '/', secure: overHttps(c) });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName, { httpOnly: true, sameSite: 'Strict', path: '/', secure: overHttps(c) });
}

/** The peer's address as the socket reports it (proxies' X-Forwarded-For is not trusted: it is the guesser's to set). */
export function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
