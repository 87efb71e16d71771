import crypto from 'node:crypto';

/** HMAC-SHA256 of `message` with `secret`, as lowercase hex. */
export function hmacSha256Hex(secret: string, message: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(message).digest('hex');
}

/**
 * Whether `signatureHex` is the HMAC-SHA256 of `rawBody` with `secret`. Compared in constant time
 * on equal-length buffers; anything that is not 64 hex digits is refused before comparing.
 */
export function verifyHmacSha256Hex(secret: string, rawBody: Buffer, signatureHex: string | undefined): boolean {
  if (!secret || !signatureHex || !/^[0-9a-fA-F]{64}$/.test(signatureHex)) return false;
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signatureHex, 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** The hex part of a `sha256=<hex>` header (GitHub's X-Hub-Signature-256, Jira's X-Hub-Signature), or undefined. */
export function sha256HeaderHex(header: string | undefined): string | undefined {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? '');
  return match?.[1];
}

/** SHA-256 of the bytes a signature covers, as `sha256:<hex>`: the same signed bytes give the same digest. */
export function signedBytesDigest(signedBytes: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(signedBytes).digest('hex')}`;
}
