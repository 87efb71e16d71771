import crypto from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Database } from './database.ts';
import { sessions, users } from './schema.ts';
import { hashToken } from './user-store.ts';
import type { Actor, Role } from '../domain/roles.ts';

const forgetExpiredAfterMs = 7 * 24 * 60 * 60 * 1000;

/** A signed-in browser: who it is, until when, and the hash its CSRF header must match. */
export interface ActiveSession {
  actor: Actor;
  expiresAt: Date;
  csrfHash: string;
}

export type SessionLookup = { kind: 'active'; session: ActiveSession } | { kind: 'expired'; expiredAt: Date } | { kind: 'unknown' };

export interface CreatedSession {
  /** The cookie value; only its SHA-256 is stored. */
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionStoreOptions {
  /** Session lifetime in milliseconds, read at each sign-in (the setting can change at run time). */
  ttlMs: () => number;
  now: () => Date;
}

/**
 * The CSRF token is derived from the session id (HMAC), so every tab of one session gets the same
 * token from `GET /api/session` while the database keeps only hashes of both.
 */
export function csrfTokenFor(sessionId: string): string {
  return crypto.createHmac('sha256', sessionId).update('mender-csrf-token').digest('base64url');
}

/** True when `token` is the session's CSRF token (compared as hashes, in constant time). */
export function csrfMatches(session: ActiveSession, token: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(session.csrfHash, 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** Server-side dashboard sessions: created at sign-in, looked up per request, deleted at sign-out. */
export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly options: SessionStoreOptions,
  ) {}

  async create(userId: string, address: string | undefined): Promise<CreatedSession> {
    const now = this.options.now();
    // Sign-ins are rare: a good moment to forget sessions that ended long ago. Recently expired
    // ones stay, so their cookie still gets `session_expired` rather than "unknown".
    await this.db.delete(sessions).where(lt(sessions.expiresAt, new Date(now.getTime() - forgetExpiredAfterMs)));
    const sessionId = crypto.randomBytes(32).toString('base64url');
    const csrfToken = csrfTokenFor(sessionId);
    const expiresAt = new Date(now.getTime() + this.options.ttlMs());
    await this.db
      .insert(sessions)
      .values({ idHash: hashToken(sessionId), userId, csrfHash: hashToken(csrfToken), createdAt: now, expiresAt, address: address ?? null });
    return { sessionId, csrfToken, expiresAt };
  }

  /** The session behind a cookie value, or why there is none. */
  async lookup(sessionId: string): Promise<SessionLookup> {
    const idHash = hashToken(sessionId);
    const [row] = await this.db
      .select({ userId: users.id, name: users.name, role: users.role, expiresAt: sessions.expiresAt, csrfHash: sessions.csrfHash })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.idHash, idHash));
    if (!row) return { kind: 'unknown' };
    if (row.expiresAt.getTime() <= this.options.now().getTime()) return { kind: 'expired', expiredAt: row.expiresAt };
    return { kind: 'active', session: { actor: { id: row.userId, name: row.name, role: row.role as Role }, expiresAt: row.expiresAt, csrfHash: row.csrfHash } };
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.idHash, hashToken(sessionId)));
  }
}
