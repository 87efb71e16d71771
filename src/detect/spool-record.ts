import zlib from 'node:zlib';

/** One accepted request as the spool keeps it: its events as one JSON array text. */
export interface SpoolEntry {
  projectId: number;
  source: string;
  /** Milliseconds since the epoch when the request was accepted. */
  receivedAt: number;
  /** A JSON array of the request's events. */
  payload: string;
  events: number;
  /** Came with the server-side key or from Mender's own watchers (see InboxRow). */
  serverSide?: boolean;
}

// Layout: u32 body length | u32 CRC-32 of the body | body.
// Body: u32 project id | u32 events | f64 received at (ms) | u8 flags and source length | source | payload (UTF-8).
// The u8 holds the source length in its low 7 bits and "server-side" in bit 7: records written
// before that flag existed read as not server-side.
export const recordHeaderBytes = 8;
const fixedBodyBytes = 4 + 4 + 8 + 1;
const maxSourceBytes = 0x7f;
const serverSideBit = 0x80;
/** Larger than any record ingest can make (10 MiB envelopes by default); a bigger length is damage, not data. */
export const maxRecordBodyBytes = 512 * 1024 * 1024;

export function encodeRecord(entry: SpoolEntry): Buffer {
  const source = Buffer.from(entry.source, 'utf8');
  if (source.length > maxSourceBytes) throw new Error(`spool source "${entry.source}" is longer than ${maxSourceBytes} bytes`);
  const payloadBytes = Buffer.byteLength(entry.payload, 'utf8');
  const bodyBytes = fixedBodyBytes + source.length + payloadBytes;
  const record = Buffer.allocUnsafe(recordHeaderBytes + bodyBytes);
  record.writeUInt32LE(bodyBytes, 0);
  let at = recordHeaderBytes;
  record.writeUInt32LE(entry.projectId, at);
  record.writeUInt32LE(entry.events, at + 4);
  record.writeDoubleLE(entry.receivedAt, at + 8);
  record.writeUInt8(source.length | (entry.serverSide ? serverSideBit : 0), at + 16);
  at += fixedBodyBytes;
  source.copy(record, at);
  record.write(entry.payload, at + source.length, 'utf8');
  record.writeUInt32LE(zlib.crc32(record.subarray(recordHeaderBytes)), 4);
  return record;
}

export type DecodedRecord =
  | { kind: 'record'; entry: SpoolEntry; bytes: number }
  /** The buffer ends inside the record; `bytes` is its full size when the header was readable. */
  | { kind: 'incomplete'; bytes?: number }
  | { kind: 'corrupt'; reason: string };

/** Reads the record starting at `offset`; a checksum or length that does not fit is `corrupt`. */
export function decodeRecord(buffer: Buffer, offset: number): DecodedRecord {
  if (buffer.length - offset < recordHeaderBytes) return { kind: 'incomplete' };
  const bodyBytes = buffer.readUInt32LE(offset);
  if (bodyBytes < fixedBodyBytes || bodyBytes > maxRecordBodyBytes) return { kind: 'corrupt', reason: `impossible record length ${bodyBytes}` };
  const bytes = recordHeaderBytes + bodyBytes;
  if (buffer.length - offset < bytes) return { kind: 'incomplete', bytes };
  const body = buffer.subarray(offset + recordHeaderBytes, offset + bytes);
  if (zlib.crc32(body) !== buffer.readUInt32LE(offset + 4)) return { kind: 'corrupt', reason: 'checksum mismatch' };
  const flagsAndLength = body.readUInt8(16);
  const sourceBytes = flagsAndLength & maxSourceBytes;
  if (fixedBodyBytes + sourceBytes > bodyBytes) return { kind: 'corrupt', reason: 'source runs past the record' };
  return {
    kind: 'record',
    bytes,
    entry: {
      projectId: body.readUInt32LE(0),
      events: body.readUInt32LE(4),
      receivedAt: body.readDoubleLE(8),
      source: body.toString('utf8', fixedBodyBytes, fixedBodyBytes + sourceBytes),
      payload: body.toString('utf8', fixedBodyBytes + sourceBytes),
      serverSide: (flagsAndLength & serverSideBit) !== 0,
    },
  };
}
