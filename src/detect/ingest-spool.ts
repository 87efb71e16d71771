import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { decodeRecord, encodeRecord, type SpoolEntry } from './spool-record.ts';

/** A place in the spool: a segment number and a byte offset in it. */
export interface SpoolPosition {
  segment: number;
  offset: number;
}

export interface SpoolRecord extends SpoolEntry {
  /** Where the record ends: the cursor to store once it is digested. */
  end: SpoolPosition;
}

export interface SpoolOptions {
  /** A segment is sealed and a new one started once it grows past this. */
  segmentBytes?: number;
  warn?: (message: string) => void;
}

export interface SpoolRecovery {
  /** Bytes after the last whole record of the newest segment, cut off at open (a write torn by a crash; never acknowledged). */
  tornBytes: number;
  /** Records between the cursor and the end, waiting to be digested. */
  pending: number;
}

interface Waiting {
  record: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const segmentPattern = /^(\d{12})\.spool$/;
const readChunkBytes = 1024 * 1024;
const segmentName = (segment: number) => `${String(segment).padStart(12, '0')}.spool`;

/**
 * Durable acceptance without a database statement per request: an append-only file spool with
 * group commit. Records appended while a write + fdatasync runs wait and go together in the
 * next one, so under load one sync answers many requests; a caller's promise resolves only
 * after its record is synced. Each record is length-prefixed and checksummed, so a tail torn by
 * a crash is found and cut off at the next open (it was never acknowledged). Readers see only
 * synced records; segments wholly before the digested cursor are deleted by `release`.
 */
export class IngestSpool {
  readonly id: string;
  private active = 0;
  private handle: fsp.FileHandle | undefined;
  /** Bytes of the active segment that are written and synced. */
  private durableBytes = 0;
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | undefined;
  private pendingRecords = 0;
  private readonly sealedSizes = new Map<number, number>();
  private closed = false;

  private constructor(
    readonly directory: string,
    id: string,
    private readonly segmentBytes: number,
    private readonly onDurable: () => void,
    private readonly warn: (message: string) => void,
  ) {
    this.id = id;
  }

  /**
   * Opens (creating) the spool folder: cuts a torn tail off the newest segment, starts a fresh
   * segment for appends, counts the records after `cursor`, and deletes segments before it.
   */
  static async open(
    directory: string,
    cursor: SpoolPosition | undefined,
    onDurable: () => void = () => undefined,
    options: SpoolOptions = {},
  ): Promise<{ spool: IngestSpool; recovery: SpoolRecovery }> {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    const spool = new IngestSpool(directory, spoolIdOf(directory), options.segmentBytes ?? 16 * 1024 * 1024, onDurable, options.warn ?? (() => undefined));
    const segments = spool.segmentsOnDisk();
    let tornBytes = 0;
    const newest = segments.at(-1);
    if (newest !== undefined) tornBytes = await cutTornTail(path.join(directory, segmentName(newest)));
    for (const segment of segments) spool.sealedSizes.set(segment, fs.statSync(spool.segmentPath(segment)).size);
    await spool.startSegment((newest ?? 0) + 1);
    const start = cursor ?? { segment: segments[0] ?? spool.active, offset: 0 };
    await spool.release(start);
    let pending = 0;
    for (let position: SpoolPosition = start; ;) {
      const batch = await spool.read(position, 10_000, 64 * 1024 * 1024);
      if (!batch.length) break;
      pending += batch.length;
      position = batch.at(-1)!.end;
    }
    spool.pendingRecords = pending;
    return { spool, recovery: { tornBytes, pending } };
  }

  /** Records appended and not yet released by a digested cursor. */
  get pending(): number {
    return this.pendingRecords;
  }

  /** Resolves once the entries are written and synced: only then may the request be answered. */
  append(entries: SpoolEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the ingest spool is closed'));
    const records = entries.map(encodeRecord);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ record: records.length === 1 ? records[0]! : Buffer.concat(records), resolve, reject });
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.flushing || this.waiting.length === 0) return;
    // Records that arrive between the flush loop's last check and this callback start the next flush.
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      this.startFlush();
    });
  }

  /** One write and one fdatasync per batch of waiting records, until none wait. */
  private async flush(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0);
      const buffer = batch.length === 1 ? batch[0]!.record : Buffer.concat(batch.map((entry) => entry.record));
      const start = this.durableBytes;
      try {
        const handle = this.handle!;
        for (let written = 0; written < buffer.length;) {
          const { bytesWritten } = await handle.write(buffer, written, buffer.length - written, start + written);
          written += bytesWritten;
        }
        await handle.datasync();
        this.durableBytes = start + buffer.length;
        this.pendingRecords += countRecords(batch);
        for (const entry of batch) entry.resolve();
        this.onDurable();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
        // Whatever part of the batch reached the file was not acknowledged: cut it so the next batch follows whole records.
        await this.handle?.truncate(start).catch(() => this.startSegment(this.active + 1).catch(() => undefined));
      }
      if (this.durableBytes >= this.segmentBytes) await this.startSegment(this.active + 1);
    }
  }

  /** Seals the active segment (if any) and starts `segment`, syncing the folder so the new file survives a crash. */
  private async startSegment(segment: number): Promise<void> {
    if (this.handle) {
      await this.handle.close();
      this.sealedSizes.set(this.active, this.durableBytes);
    }
    this.handle = await fsp.open(this.segmentPath(segment), 'wx', 0o600);
    this.active = segment;
    this.durableBytes = 0;
    await syncFolder(this.directory);
  }

  /**
   * Up to `maxRecords` synced records (and about `maxBytes`, at least one record) after
   * `from`. A damaged record in a sealed segment (never the case after a clean write) skips
   * the rest of that segment with a warning rather than stopping the digest for good.
   */
  async read(from: SpoolPosition, maxRecords: number, maxBytes: number): Promise<SpoolRecord[]> {
    const records: SpoolRecord[] = [];
    let bytes = 0;
    let position = from;
    while (records.length < maxRecords && bytes < maxBytes) {
      const end = position.segment === this.active ? this.durableBytes : this.sealedSizes.get(position.segment);
      if (end === undefined || position.offset >= end) {
        if (position.segment >= this.active) break;
        position = { segment: position.segment + 1, offset: 0 };
        continue;
      }
      const file = this.segmentPath(position.segment);
      let chunk = await readRange(file, position.offset, Math.min(end - position.offset, Math.max(readChunkBytes, maxBytes - bytes)));
      let at = 0;
      let damaged: string | undefined;
      while (records.length < maxRecords && bytes < maxBytes && position.offset + at < end) {
        const decoded = decodeRecord(chunk, at);
        if (decoded.kind === 'record') {
          at += decoded.bytes;
          bytes += decoded.bytes;
          records.push({ ...decoded.entry, end: { segment: position.segment, offset: position.offset + at } });
          continue;
        }
        const wholeOnDisk = decoded.kind === 'incomplete' && position.offset + at + (decoded.bytes ?? 8) <= end;
        if (!wholeOnDisk) {
          damaged = decoded.kind === 'corrupt' ? decoded.reason : 'a record runs past the end';
          break;
        }
        // The record is whole on disk but this chunk ends inside it: read from its start, big enough to hold it.
        if (at > 0) break;
        chunk = await readRange(file, position.offset, decoded.bytes ?? 8);
      }
      position = { segment: position.segment, offset: position.offset + at };
      if (damaged === undefined) continue;
      if (position.segment >= this.active) throw new Error(`the active ingest spool segment is damaged at byte ${position.offset}: ${damaged}`);
      // Records after damage cannot be framed (never the case after a clean write): the rest of this sealed segment is skipped.
      this.warn(`ingest spool: ${segmentName(position.segment)} is damaged at byte ${position.offset} (${damaged}); the rest of it is skipped`);
      position = { segment: position.segment + 1, offset: 0 };
      if (records.length) {
        records.at(-1)!.end = position;
        break;
      }
    }
    return records;
  }

  /** The digest stored `cursor` after `records` records: segments wholly before it are deleted. */
  async release(cursor: SpoolPosition, records = 0): Promise<void> {
    this.pendingRecords = Math.max(0, this.pendingRecords - records);
    for (const segment of [...this.sealedSizes.keys()]) {
      if (segment >= cursor.segment) continue;
      this.sealedSizes.delete(segment);
      await fsp.rm(this.segmentPath(segment), { force: true });
    }
  }

  /** Waits for appends under way, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  private segmentPath(segment: number): string {
    return path.join(this.directory, segmentName(segment));
  }

  private segmentsOnDisk(): number[] {
    return fs
      .readdirSync(this.directory)
      .map((name) => segmentPattern.exec(name)?.[1])
      .filter((match): match is string => match !== undefined)
      .map(Number)
      .sort((left, right) => left - right);
  }
}

function countRecords(batch: Waiting[]): number {
  let count = 0;
  for (const entry of batch) {
    for (let at = 0; at < entry.record.length; count += 1) at += 8 + entry.record.readUInt32LE(at);
  }
  return count;
}

/** A spool's id names its cursor in the database, so several Mender processes on one PostgreSQL keep their own. */
export function spoolIdOf(directory: string): string {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = path.join(directory, 'spool-id');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const id = crypto.randomBytes(8).toString('hex');
  const temporary = `${file}.${process.pid}.tmp`;
  const descriptor = fs.openSync(temporary, 'w', 0o600);
  fs.writeSync(descriptor, id);
  fs.fsyncSync(descriptor);
  fs.closeSync(descriptor);
  // A link fails if the file is there, where a rename would replace it: of two processes making
  // the folder at once, both read the one id that was linked first.
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** Scans a segment and truncates it after its last whole, checksummed record; returns the bytes cut. */
async function cutTornTail(file: string): Promise<number> {
  const content = await fsp.readFile(file);
  let at = 0;
  for (;;) {
    const decoded = decodeRecord(content, at);
    if (decoded.kind !== 'record') break;
    at += decoded.bytes;
  }
  if (at === content.length) return 0;
  const handle = await fsp.open(file, 'r+');
  try {
    await handle.truncate(at);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return content.length - at;
}

async function readRange(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

async function syncFolder(directory: string): Promise<void> {
  const handle = await fsp.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
