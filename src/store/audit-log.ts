import crypto from 'node:crypto';
import { desc } from 'drizzle-orm';
import type { Executor } from './database.ts';
import { lockEventOrder } from './event-order-lock.ts';
import { findAuditByHash, findAuditBySequence, iterateAudit, type AuditRecord } from './audit-query.ts';
import { auditLog } from './schema.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/**
 * What a broken chain looks like: a row whose content no longer matches its hash (`tampered`), a
 * row that is gone (`missing`), or rows whose links say they were written in another order
 * (`reordered`).
 */
export type AuditBreakKind = 'tampered' | 'missing' | 'reordered';

/**
 * Deleting the newest rows leaves no gap in the chain: only a row recorded outside Mender (its
 * sequence and hash, as printed by `mender audit verify` or the last line of an export) can show it.
 */
export interface AuditAnchor {
  sequence: number;
  hash: string;
}

export type AuditVerification = { ok: true; entries: number; lastHash: string | null } | { ok: false; brokenAt: number; kind: AuditBreakKind; reason: string };

const genesisHash = '0'.repeat(64);
// How far back a renumbered row's original sequence is searched for: bounds the work on a broken log.
const renumberSearchLimit = 100_000;

function hashOf(sequence: number, at: string, previousHash: string, entry: AuditEntry): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson([sequence, at, previousHash, entry.actor, entry.action, entry.subject, entry.details]))
    .digest('hex');
}

function hashOfRecord(record: AuditRecord): string {
  return hashOf(record.sequence, record.at.toISOString(), record.previousHash, contentOf(record));
}

function contentOf(record: AuditRecord): AuditEntry {
  return { actor: record.actor, action: record.action, subject: record.subject, details: record.details };
}

/** JSON with object keys sorted: jsonb does not keep key order, the hash must not depend on it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Appends to the hash-chained audit log inside the caller's transaction. */
export async function appendAudit(executor: Executor, given: AuditEntry, at = new Date()): Promise<void> {
  // Hash what jsonb will hold: a JSON round trip turns Dates into strings and drops undefined.
  const entry: AuditEntry = { ...given, details: JSON.parse(JSON.stringify(given.details)) as Record<string, unknown> };
  // Serialises appenders on a PostgreSQL server; PGlite runs one transaction at a time anyway.
  await lockEventOrder(executor);
  const [last] = await executor.select().from(auditLog).orderBy(desc(auditLog.sequence)).limit(1);
  const sequence = (last?.sequence ?? 0) + 1;
  const previousHash = last?.hash ?? genesisHash;
  // Round to milliseconds: what the database stores is what the hash must cover.
  const atText = new Date(at.getTime()).toISOString();
  await executor.insert(auditLog).values({ sequence, at: new Date(atText), ...entry, previousHash, hash: hashOf(sequence, atText, previousHash, entry) });
}

/**
 * Recomputes the chain in sequence order and reports the first break: which row, which kind, and
 * why. With an anchor, also reports rows deleted from the end, which the chain alone cannot show.
 */
export async function verifyAuditChain(executor: Executor, options: { anchor?: AuditAnchor } = {}): Promise<AuditVerification> {
  let previous: AuditRecord | undefined;
  let anchoredHash: string | undefined;
  for await (const row of iterateAudit(executor)) {
    if (row.sequence !== (previous?.sequence ?? 0) + 1 || row.previousHash !== (previous?.hash ?? genesisHash))
      return explainBrokenLink(executor, row, previous);
    if (hashOfRecord(row) !== row.hash) return explainChangedRow(executor, row);
    if (row.sequence === options.anchor?.sequence) anchoredHash = row.hash;
    previous = row;
  }
  const entries = previous?.sequence ?? 0;
  const anchor = options.anchor;
  if (anchor && anchor.sequence > entries) {
    const missing = anchor.sequence === entries + 1 ? `row #${anchor.sequence} is missing` : `rows #${entries + 1}–#${anchor.sequence} are missing`;
    return broken(
      entries + 1,
      'missing',
      `${missing}: the anchored row #${anchor.sequence} is gone and the log now ends at ${entries ? `#${entries}` : 'nothing'}`,
    );
  }
  if (anchor && anchoredHash !== anchor.hash) {
    return broken(
      anchor.sequence,
      'tampered',
      `row #${anchor.sequence} no longer has the anchored hash: the log was rewritten and rehashed from #${anchor.sequence} or earlier`,
    );
  }
  return { ok: true, entries, lastHash: previous?.hash ?? null };
}

function broken(brokenAt: number, kind: AuditBreakKind, reason: string): AuditVerification {
  return { ok: false, brokenAt, kind, reason };
}

/** `row` does not follow `previous` (by sequence or by link): find out whether rows moved, went missing or were rewritten. */
async function explainBrokenLink(executor: Executor, row: AuditRecord, previous: AuditRecord | undefined): Promise<AuditVerification> {
  const expected = (previous?.sequence ?? 0) + 1;
  const previousLabel = previous ? `#${previous.sequence}` : 'the start of the log';
  const selfConsistent = hashOfRecord(row) === row.hash;

  if (row.previousHash === (previous?.hash ?? genesisHash)) {
    // Linked to the right row, stored under the wrong number.
    const renumbered = originalSequence(row, expected, expected) !== undefined;
    return broken(
      row.sequence,
      'tampered',
      renumbered ? `sequence number changed: the row written as #${expected} is stored as #${row.sequence}` : 'row content changed after it was written',
    );
  }

  const linked = row.previousHash === genesisHash ? 'start' : await findAuditByHash(executor, row.previousHash);
  if (linked) {
    const writtenAfter = linked === 'start' ? 'as the first row' : `after the row now stored as #${linked.sequence}`;
    return broken(row.sequence, 'reordered', `rows are out of order: #${row.sequence} was written ${writtenAfter}, but follows ${previousLabel}`);
  }

  // The row it was written after is nowhere in the log.
  if (row.sequence > expected) {
    return broken(expected, 'missing', `${missingRows(expected, row.sequence - 1)}: #${row.sequence} follows ${previousLabel}`);
  }
  if (!selfConsistent) {
    const writtenAs = originalSequence(row, expected + 1, expected + renumberSearchLimit);
    if (writtenAs !== undefined) {
      return broken(
        expected,
        'missing',
        `${missingRows(expected, writtenAs - 1)}: later rows were renumbered to close the gap (#${row.sequence} was written as #${writtenAs})`,
      );
    }
    return broken(row.sequence, 'tampered', `row content changed after it was written: it no longer links to ${previousLabel}`);
  }
  if (previous) {
    return broken(
      previous.sequence,
      'tampered',
      `row content changed and its hash recomputed to hide it: #${row.sequence} still links to the hash #${previous.sequence} had when it was written`,
    );
  }
  return broken(row.sequence, 'tampered', 'the first row does not link to the start of the log: it was rewritten or rows before it were removed');
}

/** `row` links to the right row but its hash does not match: content changed, hash changed, or content swapped with another row. */
async function explainChangedRow(executor: Executor, row: AuditRecord): Promise<AuditVerification> {
  const recomputed = hashOfRecord(row);
  const next = await findAuditBySequence(executor, row.sequence + 1);
  if (next && next.previousHash === recomputed) {
    return broken(row.sequence, 'tampered', `the stored hash of #${row.sequence} was changed; its content still matches the link from #${next.sequence}`);
  }
  const content = contentOf(row);
  for await (const other of iterateAudit(executor)) {
    if (other.sequence === row.sequence) continue;
    const fits = [row.at, other.at].some((at) => hashOf(other.sequence, at.toISOString(), other.previousHash, content) === other.hash);
    if (fits) return broken(row.sequence, 'reordered', `rows are out of order: #${row.sequence} holds the content written as #${other.sequence}`);
  }
  return broken(row.sequence, 'tampered', 'row content changed after it was written');
}

/** The sequence, between `from` and `to`, under which this row's hash was computed, if any. */
function originalSequence(row: AuditRecord, from: number, to: number): number | undefined {
  // The sequence leads the hashed array: serialise the rest once, as hashOf would after the sequence.
  const rest = canonicalJson([row.at.toISOString(), row.previousHash, row.actor, row.action, row.subject, row.details]).slice(1);
  for (let sequence = from; sequence <= to; sequence += 1) {
    if (crypto.createHash('sha256').update(`[${sequence},${rest}`).digest('hex') === row.hash) return sequence;
  }
  return undefined;
}

function missingRows(first: number, last: number): string {
  return first === last ? `row #${first} is missing` : `rows #${first}–#${last} are missing`;
}
