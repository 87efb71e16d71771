import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from './database.ts';
import { apiTokens, users } from './schema.ts';
import { newId } from './ids.ts';
import type { Actor, Role } from '../domain/roles.ts';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

export type UserRow = typeof users.$inferSelect;

/** Tokens are stored as SHA-256 hashes: a leaked database does not leak working tokens. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, 32);
  return `scrypt:${salt.toString('base64')}:${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split(':');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

/** Local users with roles, and their API tokens. */
export class UserStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<UserRow[]> {
    return this.db.select().from(users).orderBy(asc(users.name));
  }

  async byName(name: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.name, name));
    return row;
  }

  /** Creates the user (or changes its role when `upsert`) and returns it. */
  async save(name: string, role: Role, password: string | undefined, upsert = false): Promise<UserRow> {
    const existing = await this.byName(name);
    const passwordHash = password ? await hashPassword(password) : undefined;
    if (existing) {
      if (!upsert) throw new Error(`user ${name} exists`);
      const [row] = await this.db
        .update(users)
        .set({ role, ...(passwordHash ? { passwordHash } : {}) })
        .where(eq(users.id, existing.id))
        .returning();
      return row!;
    }
    const [row] = await this.db
      .insert(users)
      .values({ id: newId(), name, role, passwordHash: passwordHash ?? null })
      .returning();
    return row!;
  }

  /** A new token for the user; the token itself is only ever returned here. */
  async issueToken(userId: string, name: string): Promise<string> {
    const token = `mnd_${crypto.randomBytes(24).toString('base64url')}`;
    await this.db.insert(apiTokens).values({ id: newId(), userId, name, tokenHash: hashToken(token) });
    return token;
  }

  /** Makes sure `token` belongs to `name` with `role` (the provisioned admin token). */
  async provisionToken(name: string, role: Role, token: string): Promise<void> {
    const user = await this.save(name, role, undefined, true);
    const [existing] = await this.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashToken(token)));
    if (!existing) await this.db.insert(apiTokens).values({ id: newId(), userId: user.id, name: 'provisioned', tokenHash: hashToken(token) });
  }

  async actorForToken(token: string): Promise<Actor | undefined> {
    const [row] = await this.db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
    return row ? { id: row.id, name: row.name, role: row.role as Role } : undefined;
  }
}
