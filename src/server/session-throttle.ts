import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { signInAttempts } from '../store/schema.ts';

/** How one kind of key is throttled: `limit` attempts per window, then a lock that doubles each time, up to `longestLockMs`. */
export interface KeyPolicy {
  limit: number;
  windowMs: number;
  firstLockMs: number;
  longestLockMs: number;
}

export interface ThrottlePolicies {
  /** One guesser at one name from one address: the tight limit, and it locks out nobody else. */
  nameAtAddress: KeyPolicy;
  /** One name from anywhere (guesses spread over many addresses): a looser limit and short locks, so nobody can lock a user out for long. */
  name: KeyPolicy;
  /** One address, whatever names (spraying one password over many names): short locks, since many people may share an address behind a proxy. */
  address: KeyPolicy;
}

const minute = 60_000;
export const defaultThrottlePolicies: ThrottlePolicies = {
  nameAtAddress: { limit: 10, windowMs: 15 * minute, firstLockMs: minute, longestLockMs: 15 * minute },
  name: { limit: 30, windowMs: 15 * minute, firstLockMs: 30_000, longestLockMs: 5 * minute },
  address: { limit: 10, windowMs: 15 * minute, firstLockMs: 15_000, longestLockMs: minute },
};

export interface ThrottleOptions {
  policies?: ThrottlePolicies;
  now: () => Date;
}

/** Whether an attempt may go on to the password check, or how long it must wait. */
export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

type AttemptRow = typeof signInAttempts.$inferSelect;
interface KeyedPolicy {
  key: string;
  policy: KeyPolicy;
}

/**
 * Sign-in attempts counted in the database *before* the slow password hash: each attempt takes
 * row locks on its keys and counts itself in one transaction, so concurrent guesses (and guesses
 * spread over several Mender processes on one database) cannot all slip under the limit. A key over
 * its limit is locked for a time that doubles with each lock-out, up to its policy's longest lock.
 */
export class SignInThrottle {
  private readonly policies: ThrottlePolicies;

  constructor(
    private readonly db: Database,
    private readonly options: ThrottleOptions,
  ) {
    this.policies = options.policies ?? defaultThrottlePolicies;
  }

  /** Counts an attempt of `name` from `address`; refused (nothing counted) while any of its keys is locked. */
  async attempt(name: string, address: string): Promise<AttemptDecision> {
    const keyed = this.keysOf(name, address);
    return this.db.transaction(async (transaction) => {
      const now = this.options.now();
      const rows = await lockRows(transaction, keyed, now);
      const locked = keyed.map(({ key }) => rows.get(key)!).filter((row) => row.lockedUntil && row.lockedUntil > now);
      if (locked.length > 0) return refusal(now, locked);
      const next = keyed.map(({ key, policy }) => ({ key, policy, row: counted(rows.get(key)!, policy, now) }));
      const over = next.filter(({ row, policy }) => row.attempts > policy.limit);
      if (over.length === 0) {
        for (const { row } of next) await write(transaction, row);
        return { allowed: true } as const;
      }
      const lockedNow = over.map(({ row, policy }) => lockOut(row, policy, now));
      for (const row of lockedNow) await write(transaction, row);
      return refusal(now, lockedNow);
    });
  }

  /**
   * A successful sign-in clears its name's counts, and gives back its attempt at the address (the
   * address keeps its failures: one good account must not unlock guessing from there).
   */
  async succeeded(name: string, address: string): Promise<void> {
    const [nameAtAddress, byName, byAddress] = this.keysOf(name, address);
    await this.db.transaction(async (transaction) => {
      await transaction.delete(signInAttempts).where(inArray(signInAttempts.key, [nameAtAddress!.key, byName!.key]));
      await transaction
        .update(signInAttempts)
        .set({ attempts: sql`greatest(${signInAttempts.attempts} - 1, 0)` })
        .where(eq(signInAttempts.key, byAddress!.key));
    });
  }

  private keysOf(name: string, address: string): KeyedPolicy[] {
    const lowered = name.toLowerCase();
    return [
      { key: `name-at-address:${lowered}@${address}`, policy: this.policies.nameAtAddress },
      { key: `name:${lowered}`, policy: this.policies.name },
      { key: `address:${address}`, policy: this.policies.address },
    ];
  }
}

/** Creates missing rows, then locks all of them (in key order, so two attempts cannot deadlock). */
async function lockRows(transaction: Executor, keyed: KeyedPolicy[], now: Date): Promise<Map<string, AttemptRow>> {
  const keys = keyed.map(({ key }) => key);
  await transaction
    .insert(signInAttempts)
    .values(keys.map((key) => ({ key, attempts: 0, windowStartedAt: now })))
    .onConflictDoNothing({ target: signInAttempts.key });
  const rows = await transaction.select().from(signInAttempts).where(inArray(signInAttempts.key, keys)).orderBy(asc(signInAttempts.key)).for('update');
  return new Map(rows.map((row) => [row.key, row]));
}

/** The row with this attempt counted: a window that has passed starts again, and lock-outs long past are forgotten. */
function counted(row: AttemptRow, policy: KeyPolicy, now: Date): AttemptRow {
  const windowOver = row.windowStartedAt.getTime() + policy.windowMs <= now.getTime();
  const lockoutsForgotten = row.lockedUntil !== null && row.lockedUntil.getTime() + policy.windowMs <= now.getTime();
  return {
    ...row,
    attempts: (windowOver ? 0 : row.attempts) + 1,
    windowStartedAt: windowOver ? now : row.windowStartedAt,
    lockouts: lockoutsForgotten ? 0 : row.lockouts,
    lockedUntil: lockoutsForgotten ? null : row.lockedUntil,
  };
}

function lockOut(row: AttemptRow, policy: KeyPolicy, now: Date): AttemptRow {
  const lockouts = row.lockouts + 1;
  const lockMs = Math.min(policy.firstLockMs * 2 ** (lockouts - 1), policy.longestLockMs);
  return { ...row, attempts: 0, windowStartedAt: now, lockouts, lockedUntil: new Date(now.getTime() + lockMs) };
}

async function write(transaction: Executor, row: AttemptRow): Promise<void> {
  await transaction
    .update(signInAttempts)
    .set({ attempts: row.attempts, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil, lockouts: row.lockouts })
    .where(eq(signInAttempts.key, row.key));
}

function refusal(now: Date, rows: AttemptRow[]): AttemptDecision {
  const until = Math.max(...rows.map((row) => row.lockedUntil!.getTime()));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) };
}
