import crypto from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A short random id in lowercase letters and digits (10 characters ≈ 51 bits). */
export function newId(length = 10): string {
  const bytes = crypto.randomBytes(length);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}
