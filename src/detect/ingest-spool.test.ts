import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/database.ts';
import { IngestSpool } from './ingest-spool.ts';
import { SpoolInbox } from './spool-inbox.ts';
import { decodeRecord, encodeRecord, type SpoolEntry } from './spool-record.ts';

const folders: string[] = [];
const tempFolder = () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-spool-'));
  folders.push(folder);
  return folder;
};
const entry = (n: number, payload = `[{"n":${n}}]`): SpoolEntry => ({ projectId: 7, source: 'sentry', receivedAt: 1_700_000_000_000 + n, payload, events: 1 });
const segmentFiles = (folder: string) => fs.readdirSync(folder).filter((name) => name.endsWith('.spool'));
const readAll = async (spool: IngestSpool, from = { segment: 0, offset: 0 }) => spool.read(from, 1_000_000, 1024 * 1024 * 1024);

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

describe('the ingest spool', () => {
  it('answers appends made during a sync together, and reads back every record with its fields', async () => {
    const folder = tempFolder();
    const { spool } = await IngestSpool.open(folder, undefined);
    await Promise.all(Array.from({ length: 50 }, (_, n) => spool.append([entry(n)])));
    const records = await readAll(spool);
    expect(records.map((record) => JSON.parse(record.payload)[0].n).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(records[0]).toMatchObject({ projectId: 7, source: 'sentry', events: 1 });
    expect(spool.pending).toBe(50);
    await spool.close();
  });

  it('keeps the server-side flag with a record, and reads a record written before the flag existed as not server-side', async () => {
    const folder = tempFolder();
    const { spool } = await IngestSpool.open(folder, undefined);
    await spool.append([{ ...entry(1), serverSide: true }, entry(2)]);
    const [flagged, plain] = await readAll(spool);
    expect(flagged).toMatchObject({ source: 'sentry', serverSide: true });
    expect(plain).toMatchObject({ source: 'sentry', serverSide: false });
    // The old layout: the same byte held only the source length.
    const old = encodeRecord(entry(3));
    expect(old.readUInt8(8 + 16)).toBe('sentry'.length);
    expect(decodeRecord(old, 0)).toMatchObject({ kind: 'record', entry: { source: 'sentry', serverSide: false } });
    expect(() => encodeRecord({ ...entry(4), source: 'x'.repeat(128) })).toThrow(/longer than 127 bytes/);
    await spool.close();
  });

  it('cuts a torn tail after a crash, keeps every whole record, and appends after them', async () => {
    const folder = tempFolder();
    const first = await IngestSpool.open(folder, undefined);
    await first.spool.append([entry(1), entry(2)]);
    await first.spool.close();
    const [segment] = segmentFiles(folder);
    const file = path.join(folder, segment!);
    const whole = fs.statSync(file).size;
    // A crash mid-write: the length prefix and half a record made it to disk, never acknowledged.
    const torn = Buffer.alloc(40);
    torn.writeUInt32LE(200, 0);
    fs.appendFileSync(file, torn);

    const second = await IngestSpool.open(folder, undefined);
    expect(second.recovery).toEqual({ tornBytes: 40, pending: 2 });
    expect(fs.statSync(file).size).toBe(whole);
    await second.spool.append([entry(3)]);
    const records = await readAll(second.spool);
    expect(records.map((record) => record.receivedAt - 1_700_000_000_000)).toEqual([1, 2, 3]);
    await second.spool.close();
  });

  it('drops a last record whose checksum does not match (bytes flipped by a torn sector)', async () => {
    const folder = tempFolder();
    const first = await IngestSpool.open(folder, undefined);
    await first.spool.append([entry(1)]);
    await first.spool.append([entry(2, '[{"last":true}]')]);
    await first.spool.close();
    const file = path.join(folder, segmentFiles(folder)[0]!);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    fs.writeFileSync(file, bytes);

    const second = await IngestSpool.open(folder, undefined);
    expect(second.recovery.pending).toBe(1);
    expect(second.recovery.tornBytes).toBeGreaterThan(0);
    expect((await readAll(second.spool)).map((record) => record.payload)).toEqual(['[{"n":1}]']);
    await second.spool.close();
  });

  it('reads from a cursor, across sealed segments, and deletes only segments wholly before the released cursor', async () => {
    const folder = tempFolder();
    const { spool } = await IngestSpool.open(folder, undefined, undefined, { segmentBytes: 200 });
    for (let n = 0; n < 12; n += 1) await spool.append([entry(n, `[{"n":${n},"pad":"${'x'.repeat(60)}"}]`)]);
    expect(segmentFiles(folder).length).toBeGreaterThan(3);
    const firstFive = await spool.read({ segment: 0, offset: 0 }, 5, 1024 * 1024);
    expect(firstFive).toHaveLength(5);
    const cursor = firstFive.at(-1)!.end;
    const rest = await readAll(spool, cursor);
    expect(rest.map((record) => JSON.parse(record.payload)[0].n)).toEqual([5, 6, 7, 8, 9, 10, 11]);

    const before = segmentFiles(folder).length;
    await spool.release(cursor, 5);
    expect(spool.pending).toBe(7);
    expect(segmentFiles(folder).length).toBeLessThan(before);
    expect((await readAll(spool, cursor)).length).toBe(7);
    await spool.close();

    // Reopened at the cursor: only what follows it is pending.
    const reopened = await IngestSpool.open(folder, cursor, undefined, { segmentBytes: 200 });
    expect(reopened.recovery.pending).toBe(7);
    await reopened.spool.close();
  });

  it('refuses appends once closed', async () => {
    const { spool } = await IngestSpool.open(tempFolder(), undefined);
    await spool.close();
    await expect(spool.append([entry(1)])).rejects.toThrow(/closed/);
  });
});

describe('the spool inbox cursor in the database', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({});
  }, 120_000);
  afterAll(async () => store?.close());

  it('hands out a batch again when its transaction rolled back, and never after it committed, across reopen', async () => {
    const folder = tempFolder();
    const inbox = new SpoolInbox(store.db, folder);
    await inbox.open();
    await inbox.write([{ projectId: 1, source: 'sentry', payload: '[{"a":1}]', events: 1 }]);
    await inbox.write([{ projectId: 1, source: 'log', payload: '[{"b":2},{"c":3}]', events: 2 }]);
    expect(inbox.pending()).toBe(2);

    const first = (await inbox.next(1))!;
    expect(first.entries.map((item) => item.payload)).toEqual(['[{"a":1}]']);
    // The grouping transaction fails after marking: nothing is consumed.
    await expect(
      store.db.transaction(async (transaction) => {
        await first.markDigested(transaction);
        throw new Error('grouping failed');
      }),
    ).rejects.toThrow('grouping failed');
    const again = (await inbox.next(1))!;
    expect(again.entries.map((item) => item.payload)).toEqual(['[{"a":1}]']);
    await store.db.transaction(async (transaction) => again.markDigested(transaction));
    await again.committed();
    expect(inbox.pending()).toBe(1);
    await inbox.close();

    // A restart (same folder, same database) resumes after the committed cursor.
    const reopened = new SpoolInbox(store.db, folder);
    expect((await reopened.open()).pending).toBe(1);
    const second = (await reopened.next(10))!;
    expect(second.entries).toEqual([expect.objectContaining({ source: 'log', payload: '[{"b":2},{"c":3}]', events: 2 })]);
    await store.db.transaction(async (transaction) => second.markDigested(transaction));
    await second.committed();
    expect(await reopened.next(10)).toBeUndefined();
    await reopened.close();

    // A second spool folder on the same database keeps its own cursor.
    const other = new SpoolInbox(store.db, tempFolder());
    await other.open();
    await other.write([{ projectId: 2, source: 'sentry', payload: '[{"z":1}]', events: 1 }]);
    expect((await other.next(10))!.entries).toHaveLength(1);
    await other.close();
  });
});
