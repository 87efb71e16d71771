import crypto from 'node:crypto';

/**
 * Affected users as a HyperLogLog sketch: 1,024 one-byte registers (1 KiB per issue, stored as
 * base64), about 3% error on large counts and exact in practice for small ones (linear counting),
 * which is where the "3 or more users" rule needs it.
 */
const registerBits = 10;
const registerCount = 1 << registerBits;

export function emptySketch(): Uint8Array {
  return new Uint8Array(registerCount);
}

export function sketchFromText(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === registerCount ? new Uint8Array(bytes) : emptySketch();
}

export function sketchToText(sketch: Uint8Array): string {
  return Buffer.from(sketch).toString('base64');
}

export function addToSketch(sketch: Uint8Array, key: string): void {
  const digest = crypto.createHash('sha1').update(key).digest();
  const index = digest.readUInt16BE(0) & (registerCount - 1);
  const rest = digest.readUInt32BE(4);
  const rank = rest === 0 ? 33 : Math.clz32(rest) + 1;
  if (rank > sketch[index]!) sketch[index] = rank;
}

export function estimateSketch(sketch: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (const value of sketch) {
    sum += 2 ** -value;
    if (value === 0) zeros += 1;
  }
  const alpha = 0.7213 / (1 + 1.079 / registerCount);
  const raw = (alpha * registerCount * registerCount) / sum;
  if (raw <= 2.5 * registerCount && zeros > 0) return Math.round(registerCount * Math.log(registerCount / zeros));
  return Math.round(raw);
}

/** The identity Sentry uses for "users affected": id, else email, else username, else IP address. */
export function userKey(user: { id?: string; email?: string; username?: string; ipAddress?: string } | undefined): string | undefined {
  if (!user) return undefined;
  if (user.id) return `id:${user.id}`;
  if (user.email) return `email:${user.email.toLowerCase()}`;
  if (user.username) return `username:${user.username}`;
  if (user.ipAddress) return `ip:${user.ipAddress}`;
  return undefined;
}
