import crypto from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { appendAudit, verifyAuditChain, type AuditEntry } from './audit-log.ts';
import { openStore, rowsOf, type Store } from './database.ts';
import { auditLog } from './schema.ts';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';

// Keys out of order, of different lengths and nested: jsonb stores them sorted its own way.
const entries: AuditEntry[] = [
  { actor: 'admin', action: 'operation.created', subject: 'operation:a1', details: { zebra: 1, b: 'two', aa: { y: [3, { d: 4, c: null }], x: true } } },
  { actor: 'planner', action: 'plan.approved', subject: 'operation:a1', details: { steps: 2, reason: 'ünïcödé "quoted" \\ text' } },
  { actor: 'mender', action: 'operation.failed', subject: 'operation:a1', details: {} },
  { actor: 'admin', action: 'repo.registered', subject: 'repo:cart', details: { path: '/srv/cart', commands: { test: 'npm test', lint: 'eslint .' } } },
];

function defineAuditTests(openDatabase: () => Promise<Store>): void {
  let store: Store;

  beforeEach(async () => {
    store = await openDatabase();
  });

  afterEach(async () => {
    await store.close();
  });

  async function appendAll(list: AuditEntry[]): Promise<void> {
    for (const entry of list) await store.db.transaction((transaction) => appendAudit(transaction, entry));
  }

  async function hashOfRow(sequence: number): Promise<string> {
    const [row] = await store.db.select().from(auditLog).where(eq(auditLog.sequence, sequence));
    return row!.hash;
  }

  /** Swaps the given columns between two rows, as someone moving rows around with SQL would. */
  async function swapRows(first: number, second: number, columns: string[]): Promise<void> {
    const assignments = sql.raw(columns.map((column) => `${column} = source.${column}`).join(', '));
    await store.db.execute(
      sql`UPDATE audit_log AS target SET ${assignments} FROM audit_log AS source WHERE (target.sequence = ${first} AND source.sequence = ${second}) OR (target.sequence = ${second} AND source.sequence = ${first})`,
    );
  }

  it('verifies an empty chain and an untouched one, whatever order jsonb keeps the keys in', async () => {
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: 0, lastHash: null });
    await appendAll(entries);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: entries.length, lastHash: await hashOfRow(4) });

    const stored = rowsOf<{ details: string }>(await store.db.execute(sql`SELECT details::text AS details FROM audit_log WHERE sequence = 1`));
    // The database did reorder the keys: had it not, this test would not show that verification copes.
    expect(JSON.stringify(JSON.parse(stored[0]!.details))).not.toBe(JSON.stringify(entries[0]!.details));
  });

  it('links each entry to the one before it', async () => {
    await appendAll(entries);
    const rows = await store.db.select().from(auditLog).orderBy(asc(auditLog.sequence));
    expect(rows.map((row) => row.sequence)).toEqual([1, 2, 3, 4]);
    expect(rows[0]!.previousHash).toBe('0'.repeat(64));
    for (let index = 1; index < rows.length; index += 1) expect(rows[index]!.previousHash).toBe(rows[index - 1]!.hash);
    expect(rows.map((row) => ({ actor: row.actor, action: row.action, subject: row.subject, details: row.details }))).toEqual(entries);
  });

  it('reports the entry whose details were changed with SQL', async () => {
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET details = '{"steps": 2, "reason": "nothing to see"}' WHERE sequence = 2`);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: false, brokenAt: 2, kind: 'tampered', reason: 'row content changed after it was written' });
  });

  it('reports an entry whose actor, action or time was changed', async () => {
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAt: 3, kind: 'tampered' });
    await store.db.execute(sql`UPDATE audit_log SET actor = 'mender' WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: 4 });
    await store.db.execute(sql`UPDATE audit_log SET at = at - interval '1 hour' WHERE sequence = 4`);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAt: 4, kind: 'tampered' });
  });

  it('reports a stored hash that was replaced while the content stayed', async () => {
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET hash = ${'f'.repeat(64)} WHERE sequence = 1`);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 1,
      kind: 'tampered',
      reason: 'the stored hash of #1 was changed; its content still matches the link from #2',
    });
  });

  it('reports a row rewritten with a freshly computed hash, by the link the next row still holds', async () => {
    await appendAll(entries);
    const [row] = await store.db.select().from(auditLog).where(eq(auditLog.sequence, 3));
    // Row 3's details are {}, so plain JSON is the canonical form a forger would hash.
    const forgedHash = crypto
      .createHash('sha256')
      .update(JSON.stringify([3, row!.at.toISOString(), row!.previousHash, 'someone-else', row!.action, row!.subject, {}]))
      .digest('hex');
    await store.db.execute(sql`UPDATE audit_log SET actor = 'someone-else', hash = ${forgedHash} WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 3,
      kind: 'tampered',
      reason: 'row content changed and its hash recomputed to hide it: #4 still links to the hash #3 had when it was written',
    });
  });

  it('reports a changed link to the previous row', async () => {
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET previous_hash = ${'e'.repeat(64)} WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 3,
      kind: 'tampered',
      reason: 'row content changed after it was written: it no longer links to #2',
    });
  });

  it('names the missing row when one in the middle, the first, or several were deleted', async () => {
    await appendAll(entries);
    await store.db.execute(sql`DELETE FROM audit_log WHERE sequence = 2`);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: false, brokenAt: 2, kind: 'missing', reason: 'row #2 is missing: #3 follows #1' });

    await store.db.execute(sql`DELETE FROM audit_log WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: false, brokenAt: 2, kind: 'missing', reason: 'rows #2–#3 are missing: #4 follows #1' });

    await store.db.execute(sql`DELETE FROM audit_log WHERE sequence = 1`);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 1,
      kind: 'missing',
      reason: 'rows #1–#3 are missing: #4 follows the start of the log',
    });
  });

  it('names the missing row when later rows were renumbered to hide the gap', async () => {
    await appendAll(entries);
    await store.db.execute(sql`DELETE FROM audit_log WHERE sequence = 2`);
    // Two steps, so no intermediate state collides on the primary key.
    await store.db.execute(sql`UPDATE audit_log SET sequence = -sequence WHERE sequence > 2`);
    await store.db.execute(sql`UPDATE audit_log SET sequence = -sequence - 1 WHERE sequence < 0`);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 2,
      kind: 'missing',
      reason: 'row #2 is missing: later rows were renumbered to close the gap (#2 was written as #3)',
    });
  });

  it('reports rows that were swapped whole, or whose contents were swapped under their hashes', async () => {
    await appendAll(entries);
    await swapRows(2, 3, ['at', 'actor', 'action', 'subject', 'details', 'previous_hash', 'hash']);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 2,
      kind: 'reordered',
      reason: 'rows are out of order: #2 was written after the row now stored as #3, but follows #1',
    });
    await swapRows(2, 3, ['at', 'actor', 'action', 'subject', 'details', 'previous_hash', 'hash']);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: 4 });

    await swapRows(1, 3, ['at', 'actor', 'action', 'subject', 'details']);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 1,
      kind: 'reordered',
      reason: 'rows are out of order: #1 holds the content written as #3',
    });
  });

  it('reports a row moved to another sequence number', async () => {
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET sequence = 10 WHERE sequence = 2`);
    expect(await verifyAuditChain(store.db)).toEqual({
      ok: false,
      brokenAt: 3,
      kind: 'reordered',
      reason: 'rows are out of order: #3 was written after the row now stored as #10, but follows #1',
    });
  });

  it('cannot see the newest rows deleted from the chain alone, but can against an anchor kept elsewhere', async () => {
    await appendAll(entries);
    const anchor = { sequence: 4, hash: await hashOfRow(4) };
    expect(await verifyAuditChain(store.db, { anchor })).toEqual({ ok: true, entries: 4, lastHash: anchor.hash });
    expect(await verifyAuditChain(store.db, { anchor: { sequence: 2, hash: await hashOfRow(2) } })).toMatchObject({ ok: true, entries: 4 });

    await store.db.execute(sql`DELETE FROM audit_log WHERE sequence >= 3`);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: 2, lastHash: await hashOfRow(2) });
    expect(await verifyAuditChain(store.db, { anchor })).toEqual({
      ok: false,
      brokenAt: 3,
      kind: 'missing',
      reason: 'rows #3–#4 are missing: the anchored row #4 is gone and the log now ends at #2',
    });
    expect(await verifyAuditChain(store.db, { anchor: { sequence: 2, hash: 'a'.repeat(64) } })).toEqual({
      ok: false,
      brokenAt: 2,
      kind: 'tampered',
      reason: 'row #2 no longer has the anchored hash: the log was rewritten and rehashed from #2 or earlier',
    });
  });

  it('keeps one chain when entries are appended by concurrent transactions', async () => {
    await Promise.all(entries.map((entry) => store.db.transaction((transaction) => appendAudit(transaction, entry))));
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: entries.length });
  });

  it('drops an entry whose transaction rolls back, leaving the chain whole', async () => {
    await appendAll(entries.slice(0, 2));
    await expect(
      store.db.transaction(async (transaction) => {
        await appendAudit(transaction, entries[2]!);
        throw new Error('the change this entry recorded failed');
      }),
    ).rejects.toThrow('the change this entry recorded failed');
    await appendAll(entries.slice(3));
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: 3 });
  });
}

describe('audit log on PGlite', () => {
  const databases = migratedDatabaseFolders('mender-audit-');
  afterEach(() => databases.removeAll());
  defineAuditTests(async () => openStore({ directory: await databases.next() }));
});

describe.skipIf(!postgresAvailable())('audit log on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  defineAuditTests(async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    return openStore({ databaseUrl: await server.createDatabase() });
  });
});
