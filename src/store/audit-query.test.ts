import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from './audit-log.ts';
import { iterateAudit, pageAudit, type AuditRecord } from './audit-query.ts';
import { openStore, type Store } from './database.ts';

describe('audit log queries', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-audit-query-'));
  let store: Store;

  beforeAll(async () => {
    store = await openStore({ directory });
    // Seven rows: the admin's on operation:a, the pipeline's alternating between a and b.
    const entries = [
      { actor: 'admin', action: 'operation.created', subject: 'operation:a' },
      { actor: 'mender', action: 'operation.started', subject: 'operation:a' },
      { actor: 'admin', action: 'operation.created', subject: 'operation:b' },
      { actor: 'mender', action: 'operation.started', subject: 'operation:b' },
      { actor: 'mender', action: 'operation.failed', subject: 'operation:a' },
      { actor: 'admin', action: 'operation.retried', subject: 'operation:a' },
      { actor: 'mender', action: 'operation.failed', subject: 'operation:b' },
    ];
    for (const [index, entry] of entries.entries()) await store.db.transaction((transaction) => appendAudit(transaction, { ...entry, details: { index } }));
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const sequences = (rows: AuditRecord[]) => rows.map((row) => row.sequence);

  it('pages in sequence order and says where the next page starts until the last one', async () => {
    const first = await pageAudit(store.db, { limit: 3 });
    expect(sequences(first.entries)).toEqual([1, 2, 3]);
    expect(first.nextAfter).toBe(3);
    const second = await pageAudit(store.db, { after: 3, limit: 3 });
    expect(sequences(second.entries)).toEqual([4, 5, 6]);
    expect(second.nextAfter).toBe(6);
    const last = await pageAudit(store.db, { after: 6, limit: 3 });
    expect(sequences(last.entries)).toEqual([7]);
    expect(last.nextAfter).toBeNull();
  });

  it('ends on a page that is exactly full, and answers an empty page past the end', async () => {
    expect(await pageAudit(store.db, { after: 4, limit: 3 })).toMatchObject({ nextAfter: null });
    expect(sequences((await pageAudit(store.db, { after: 4, limit: 3 })).entries)).toEqual([5, 6, 7]);
    expect(await pageAudit(store.db, { after: 7, limit: 3 })).toEqual({ entries: [], nextAfter: null, nextBefore: null });
  });

  it('returns rows with their content and chain fields', async () => {
    const [row] = (await pageAudit(store.db, { after: 4, limit: 1 })).entries;
    expect(row).toMatchObject({
      sequence: 5,
      actor: 'mender',
      action: 'operation.failed',
      subject: 'operation:a',
      details: { index: 4 },
      previousHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(row!.at).toBeInstanceOf(Date);
  });

  it('filters by actor, action and subject together, paging over the matches only', async () => {
    const first = await pageAudit(store.db, { subject: 'operation:a', limit: 2 });
    expect(sequences(first.entries)).toEqual([1, 2]);
    const second = await pageAudit(store.db, { subject: 'operation:a', after: first.nextAfter!, limit: 2 });
    expect(sequences(second.entries)).toEqual([5, 6]);
    expect(second.nextAfter).toBeNull();

    expect(sequences((await pageAudit(store.db, { actor: 'mender', action: 'operation.failed', limit: 10 })).entries)).toEqual([5, 7]);
    expect(sequences((await pageAudit(store.db, { actor: 'admin', subject: 'operation:b', limit: 10 })).entries)).toEqual([3]);
    expect((await pageAudit(store.db, { actor: 'nobody', limit: 10 })).entries).toEqual([]);
  });

  it('iterates over every row, or every match, across pages', async () => {
    const all: AuditRecord[] = [];
    for await (const row of iterateAudit(store.db, {}, 2)) all.push(row);
    expect(sequences(all)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const failures: AuditRecord[] = [];
    for await (const row of iterateAudit(store.db, { action: 'operation.failed' }, 1)) failures.push(row);
    expect(sequences(failures)).toEqual([5, 7]);
  });
});
