import { IngestError } from './ingest-error.ts';

export interface EnvelopeItem {
  type: string;
  header: Record<string, unknown>;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

const newline = 0x0a;

/**
 * Parses the Sentry envelope format: a JSON header line, then items, each a JSON header line and
 * a payload of `length` bytes (or up to the next newline when the header gives no length).
 */
export function parseEnvelope(body: Buffer): Envelope {
  let position = 0;
  const readLine = (): Buffer => {
    const end = body.indexOf(newline, position);
    const line = body.subarray(position, end === -1 ? body.length : end);
    position = end === -1 ? body.length : end + 1;
    return line;
  };
  const header = parseHeader(readLine(), 'envelope header');
  const items: EnvelopeItem[] = [];
  while (position < body.length) {
    const line = readLine();
    if (line.length === 0 || (line.length === 1 && line[0] === 0x0d)) continue;
    const itemHeader = parseHeader(line, `item ${items.length + 1} header`);
    if (typeof itemHeader.type !== 'string' || !itemHeader.type)
      throw new IngestError(400, 'malformed_envelope', `item ${items.length + 1} header has no "type"`);
    let payload: Buffer;
    if (itemHeader.length !== undefined) {
      const length = itemHeader.length;
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0)
        throw new IngestError(400, 'malformed_envelope', `item ${items.length + 1} has an invalid "length"`);
      if (position + length > body.length)
        throw new IngestError(400, 'malformed_envelope', `item ${items.length + 1} says it is ${length} bytes but the envelope ends first`);
      payload = body.subarray(position, position + length);
      position += length;
      if (body[position] === newline) position += 1;
    } else {
      payload = readLine();
    }
    items.push({ type: itemHeader.type, header: itemHeader, payload });
  }
  return { header, items };
}

function parseHeader(line: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    throw new IngestError(
      400,
      'malformed_envelope',
      `the ${what} is not a JSON object: send the Sentry envelope format (header line, then item header and payload lines)`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new IngestError(400, 'malformed_envelope', `the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
