import crypto from 'node:crypto';
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Database } from './database.ts';
import { setupTokens, users } from './schema.ts';
import { appendAudit } from './audit-log.ts';
import { hashPassword, hashToken } from './user-store.ts';
import { newId } from './ids.ts';
import type { Actor } from '../domain/roles.ts';

export const setupTokenLifetimeMs = 24 * 60 * 60 * 1000;

export type SetupOutcome = { ok: true; actor: Actor } | { ok: false; reason: 'not_needed' | 'invalid' | 'used' | 'expired' };

/**
 * The one-time link that creates the first admin. Needed while no admin has a password (the
 * provisioned token admin cannot sign in to the dashboard). Tokens are stored hashed.
 */
export class SetupTokenStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async needed(): Promise<boolean> {
    const [row] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'admin'), isNotNull(users.passwordHash)))
      .limit(1);
    return !row;
  }

  /** A new token that replaces every unused one; returns the token itself (only here). */
  async issue(): Promise<string> {
    const token = crypto.randomBytes(24).toString('base64url');
    const now = this.now();
    await this.db.transaction(async (transaction) => {
      await transaction.delete(setupTokens).where(isNull(setupTokens.usedAt));
      await transaction.insert(setupTokens).values({ tokenHash: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + setupTokenLifetimeMs) });
    });
    return token;
  }

  /**
   * Consumes the token and creates the admin (or gives an existing user of that name the admin role
   * and the password) in one transaction, audited; a token works once, even when two requests race.
   */
  async createFirstAdmin(token: string, name: string, password: string): Promise<SetupOutcome> {
    if (!(await this.needed())) return { ok: false, reason: 'not_needed' };
    const passwordHash = await hashPassword(password);
    const now = this.now();
    return this.db.transaction(async (transaction): Promise<SetupOutcome> => {
      const tokenHash = hashToken(token);
      const [row] = await transaction.select().from(setupTokens).where(eq(setupTokens.tokenHash, tokenHash)).for('update');
      if (!row) return { ok: false, reason: 'invalid' };
      if (row.usedAt) return { ok: false, reason: 'used' };
      if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      await transaction.update(setupTokens).set({ usedAt: now }).where(eq(setupTokens.tokenHash, tokenHash));
      const [user] = await transaction
        .insert(users)
        .values({ id: newId(), name, role: 'admin', passwordHash })
        .onConflictDoUpdate({ target: users.name, set: { role: 'admin', passwordHash } })
        .returning();
      await appendAudit(transaction, {
        actor: name,
        action: 'setup.admin_created',
        subject: `user:${name}`,
        details: { name, role: 'admin', via: 'setup link' },
      });
      return { ok: true, actor: { id: user!.id, name: user!.name, role: 'admin' } };
    });
  }
}
