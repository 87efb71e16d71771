import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { appendAudit, verifyAuditChain, type AuditEntry } from './audit-log.ts';
import { openStore, rowsOf, type Store } from './database.ts';
import { auditLog } from './schema.ts';

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

  it('verifies an empty chain and an untouched one, whatever order jsonb keeps the keys in', async () => {
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: 0 });
    await appendAll(entries);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: entries.length });

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
    expect(await verifyAuditChain(store.db)).toEqual({ ok: false, brokenAt: 2, reason: 'entry was changed after it was written' });
  });

  it('reports an entry whose actor, action or time was changed', async () => {
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAt: 3 });
    await store.db.execute(sql`UPDATE audit_log SET actor = 'mender' WHERE sequence = 3`);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: 4 });
    await store.db.execute(sql`UPDATE audit_log SET at = at - interval '1 hour' WHERE sequence = 4`);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('reports a deleted entry and a rewritten hash', async () => {
    await appendAll(entries);
    await store.db.execute(sql`DELETE FROM audit_log WHERE sequence = 2`);
    expect(await verifyAuditChain(store.db)).toEqual({ ok: false, brokenAt: 3, reason: 'sequence 3 follows 1' });

    await store.db.execute(sql`DELETE FROM audit_log`);
    await appendAll(entries);
    await store.db.execute(sql`UPDATE audit_log SET hash = ${'f'.repeat(64)} WHERE sequence = 1`);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('keeps one chain when entries are appended by concurrent transactions', async () => {
    await Promise.all(entries.map((entry) => store.db.transaction((transaction) => appendAudit(transaction, entry))));
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: entries.length });
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
    expect(await verifyAuditChain(store.db)).toEqual({ ok: true, entries: 3 });
  });
}

describe('audit log on PGlite', () => {
  // Creating a PGlite database takes seconds; copying a migrated one takes milliseconds.
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-audit-template-'));
  const folders: string[] = [];
  beforeAll(async () => {
    const store = await openStore({ directory: template });
    await store.close();
  });
  afterEach(() => {
    for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
  });
  afterAll(() => fs.rmSync(template, { recursive: true, force: true }));
  defineAuditTests(() => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-audit-'));
    fs.cpSync(template, directory, { recursive: true });
    folders.push(directory);
    return openStore({ directory });
  });
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
