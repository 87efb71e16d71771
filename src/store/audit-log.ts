import crypto from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { Database, Executor } from './database.ts';
import { auditLog } from './schema.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

const genesisHash = '0'.repeat(64);

function hashOf(sequence: number, at: string, previousHash: string, entry: AuditEntry): string {
  return crypto.createHash('sha256').update(canonicalJson([sequence, at, previousHash, entry.actor, entry.action, entry.subject, entry.details])).digest('hex');
}

/** JSON with object keys sorted: jsonb does not keep key order, the hash must not depend on it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Appends to the hash-chained audit log inside the caller's transaction. */
export async function appendAudit(executor: Executor, entry: AuditEntry, at = new Date()): Promise<void> {
  // Serialises appenders on a PostgreSQL server; PGlite runs one transaction at a time anyway.
  await executor.execute(sql`SELECT pg_advisory_xact_lock(727275)`);
  const [last] = await executor.select().from(auditLog).orderBy(desc(auditLog.sequence)).limit(1);
  const sequence = (last?.sequence ?? 0) + 1;
  const previousHash = last?.hash ?? genesisHash;
  // Round to milliseconds: what the database stores is what the hash must cover.
  const atText = new Date(at.getTime()).toISOString();
  await executor.insert(auditLog).values({ sequence, at: new Date(atText), ...entry, previousHash, hash: hashOf(sequence, atText, previousHash, entry) });
}

/** Recomputes the chain; the first broken link is reported. */
export async function verifyAuditChain(db: Database): Promise<{ ok: true; entries: number } | { ok: false; brokenAt: number; reason: string }> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.sequence));
  let previousHash = genesisHash;
  for (const [index, row] of rows.entries()) {
    if (row.sequence !== index + 1) return { ok: false, brokenAt: row.sequence, reason: `sequence ${row.sequence} follows ${index}` };
    if (row.previousHash !== previousHash) return { ok: false, brokenAt: row.sequence, reason: 'previous hash does not match' };
    const expected = hashOf(row.sequence, row.at.toISOString(), row.previousHash, { actor: row.actor, action: row.action, subject: row.subject, details: row.details });
    if (expected !== row.hash) return { ok: false, brokenAt: row.sequence, reason: 'entry was changed after it was written' };
    previousHash = row.hash;
  }
  return { ok: true, entries: rows.length };
}
