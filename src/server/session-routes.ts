import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Settings } from '../config/settings-schema.ts';
import type { Actor } from '../domain/roles.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Database } from '../store/database.ts';
import type { CreatedSession, SessionStore } from '../store/session-store.ts';
import { csrfTokenFor } from '../store/session-store.ts';
import type { SetupTokenStore } from '../store/setup-token-store.ts';
import { verifyPassword, type UserStore } from '../store/user-store.ts';
import { activeSessionOrThrow, requireCsrfToken, type AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { parseBody } from './parse-request.ts';
import { clearSessionCookie, clientAddress, readSessionCookie, writeSessionCookie } from './session-cookie.ts';
import type { SignInThrottle } from './session-throttle.ts';

export interface SessionServices {
  db: Database;
  users: UserStore;
  sessions: SessionStore;
  setupTokens: SetupTokenStore;
  signInThrottle: SignInThrottle;
  settings: Settings;
}

/** Routes that answer without a bearer token or session: signing in and the first-admin setup. */
export const publicRoutes = [
  { method: 'POST', path: '/api/session' },
  { method: 'GET', path: '/api/session' },
  { method: 'DELETE', path: '/api/session' },
  { method: 'GET', path: '/api/setup' },
  { method: 'POST', path: '/api/setup' },
] as const;

const signInBody = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict();
const setupBody = z
  .object({
    token: z.string().min(1, 'give the token from the setup link').max(200),
    name: z.string().regex(/^[a-zA-Z0-9._@-]{1,64}$/, 'use 1–64 letters, digits, dot, dash, underscore or @'),
    password: z.string().min(12, 'use at least 12 characters').max(200),
  })
  .strict();

const wrongCredentials = 'wrong name or password';
// Compared against when the name is unknown, so both failures take the same time.
const unknownUserHash = 'scrypt:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function sessionView(actor: Actor, session: Pick<CreatedSession, 'csrfToken' | 'expiresAt'>) {
  return { user: { id: actor.id, name: actor.name, role: actor.role }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
}

/** What `GET/POST /api/session` and `POST /api/setup` answer: the signed-in user and the CSRF token. */
export type SessionView = ReturnType<typeof sessionView>;

/**
 * `POST/GET/DELETE /api/session` (sign in, who am I, sign out) and `GET/POST /api/setup` (the first
 * admin). Register before the `/api/*` authentication middleware: these answer without a token.
 */
export function registerSessionRoutes(app: Hono<AppEnvironment>, services: SessionServices): void {
  for (const route of ['/api/session', '/api/setup'])
    app.use(
      route,
      bodyLimit({
        maxSize: 16 * 1024,
        onError: () => {
          throw new HttpError(413, 'payload_too_large', 'request body is larger than 16 KiB');
        },
      }),
    );

  const signIn = async (c: Context<AppEnvironment>, actor: Actor) => {
    const created = await services.sessions.create(actor.id, clientAddress(c));
    writeSessionCookie(c, created.sessionId);
    return c.json(sessionView(actor, created));
  };

  app.post('/api/session', async (c) => {
    const body = await parseBody(c, signInBody);
    const address = clientAddress(c);
    // Counted before the slow hash, so guesses sent together cannot all be evaluated.
    const decision = await services.signInThrottle.attempt(body.name, address);
    if (!decision.allowed) {
      const wait = decision.retryAfterSeconds;
      return c.json(
        { error: { code: 'too_many_attempts', message: `too many sign-in attempts for this name or address: try again in ${wait} seconds` } },
        429,
        {
          'retry-after': String(wait),
        },
      );
    }
    const user = await services.users.byName(body.name);
    const passwordOk = await verifyPassword(body.password, user?.passwordHash ?? unknownUserHash);
    if (!user || !user.passwordHash || !passwordOk) throw new HttpError(401, 'invalid_credentials', wrongCredentials);
    await services.signInThrottle.succeeded(body.name, address);
    const actor: Actor = { id: user.id, name: user.name, role: user.role as Actor['role'] };
    await services.db.transaction((transaction) =>
      appendAudit(transaction, { actor: actor.name, action: 'session.signed_in', subject: `user:${actor.name}`, details: { address } }),
    );
    return signIn(c, actor);
  });

  app.get('/api/session', async (c) => {
    const cookie = readSessionCookie(c);
    if (!cookie) throw new HttpError(401, 'unauthorized', 'not signed in: POST /api/session with {name, password}');
    const session = activeSessionOrThrow(await services.sessions.lookup(cookie));
    return c.json(sessionView(session.actor, { csrfToken: csrfTokenFor(cookie), expiresAt: session.expiresAt }));
  });

  // Signing out needs the CSRF token too (another site must not sign people out), but any role may.
  app.delete('/api/session', async (c) => {
    const cookie = readSessionCookie(c);
    const lookup = cookie ? await services.sessions.lookup(cookie) : { kind: 'unknown' as const };
    if (lookup.kind === 'active') {
      requireCsrfToken(c, lookup.session);
      await services.sessions.delete(cookie!);
      const name = lookup.session.actor.name;
      await services.db.transaction((transaction) =>
        appendAudit(transaction, { actor: name, action: 'session.signed_out', subject: `user:${name}`, details: {} }),
      );
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.get('/api/setup', async (c) => c.json({ needed: await services.setupTokens.needed() }));

  app.post('/api/setup', async (c) => {
    const body = await parseBody(c, setupBody);
    const outcome = await services.setupTokens.createFirstAdmin(body.token, body.name, body.password);
    if (!outcome.ok) {
      switch (outcome.reason) {
        case 'not_needed':
          throw new HttpError(409, 'setup_done', 'an admin with a password exists already: sign in instead (POST /api/session)');
        case 'invalid':
          throw new HttpError(
            401,
            'setup_token_invalid',
            'this setup token is not valid: use the link from the latest Mender start (each start replaces the previous link)',
          );
        case 'used':
          throw new HttpError(410, 'setup_token_used', 'this setup link was used already: restart Mender for a new one');
        case 'expired':
          throw new HttpError(410, 'setup_token_expired', 'this setup link is older than 24 hours: restart Mender for a new one');
      }
    }
    return signIn(c, outcome.actor);
  });
}
