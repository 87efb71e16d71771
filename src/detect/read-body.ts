import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { IngestError } from './ingest-error.ts';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/** What ingest needs of an HTTP request; the route adapts its framework's request to it. */
export interface IngestRequest {
  query(name: string): string | undefined;
  header(name: string): string | undefined;
  /** The body as sent (still encoded), refused with `tooLarge()` as soon as it passes `limit` bytes. */
  readBody(limit: number, tooLarge: () => Error): Promise<Buffer>;
}

/** Reads a request body, refusing (413) as soon as it passes `limit` bytes. */
export function readLimitedBody(request: IngestRequest, limit: number): Promise<Buffer> {
  return request.readBody(limit, () => tooLarge(limit));
}

/**
 * Bytes that decompressions under way may hold together. Each one holds up to its limit until it
 * ends, so a burst of small compressed bodies cannot add up to more than this; past it a request
 * is told to come back in a second (429 with Retry-After, which Sentry SDKs honour).
 */
export class DecompressionBudget {
  private inFlight = 0;
  constructor(readonly maxBytes: number) {}

  /** Reserves `bytes` or refuses; the caller releases what it got. */
  reserve(bytes: number): () => void {
    if (this.inFlight > 0 && this.inFlight + bytes > this.maxBytes) {
      throw new IngestError(
        429,
        'decompression_busy',
        `too many compressed bodies are being decompressed at once (${this.inFlight} of ${this.maxBytes} bytes held): retry in a second`,
        { 'retry-after': '1' },
      );
    }
    this.inFlight += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= bytes;
    };
  }

  get heldBytes(): number {
    return this.inFlight;
  }
}

/** One budget for the process: 64 MiB, six decompressions at the default 10 MB envelope limit. */
export const processDecompressionBudget = new DecompressionBudget(64 * 1024 * 1024);

/**
 * Undoes Content-Encoding. zlib stops with ERR_BUFFER_TOO_LARGE once the output passes `limit`,
 * so a small compressed body cannot inflate into gigabytes (a zip bomb) before it is refused;
 * `budget` bounds what all decompressions under way hold together.
 */
export async function decodeBody(
  body: Buffer,
  encoding: string | undefined,
  limit: number,
  budget: DecompressionBudget = processDecompressionBudget,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return body;
  const release = budget.reserve(limit);
  try {
    return await decompress(body, name, limit);
  } finally {
    release();
  }
}

async function decompress(body: Buffer, name: string, limit: number): Promise<Buffer> {
  try {
    if (name === 'gzip' || name === 'x-gzip') return await gunzip(body, { maxOutputLength: limit });
    if (name === 'deflate') return await inflate(body, { maxOutputLength: limit }).catch(() => inflateRaw(body, { maxOutputLength: limit }));
    if (name === 'br') return await brotli(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw tooLarge(limit, 'decompressed ');
    throw new IngestError(400, 'malformed_body', `the body is not valid ${name} data: ${(error as Error).message}`);
  }
  throw new IngestError(415, 'unsupported_encoding', `content-encoding ${name} is not supported: send gzip, deflate, br or an uncompressed body`);
}

function tooLarge(limit: number, what = ''): IngestError {
  return new IngestError(413, 'payload_too_large', `the ${what}envelope is larger than ${limit} bytes (MENDER_DETECT_MAX_ENVELOPE_BYTES)`);
}
