import crypto from 'node:crypto';

/** A value that must never show: its name (for reports) and the value itself. */
export interface PlantedSecret {
  name: string;
  value: string;
}

/**
 * Shorter pieces than this are not counted: they could be a common word or part of a format
 * (`-----BEGIN `, `postgres://`). Twelve characters of a random token are a leak.
 */
export const leakWindowLength = 12;

/** Random characters that occur in no fixture text by chance. */
export function randomToken(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  const bytes = crypto.randomBytes(length);
  let token = '';
  for (const byte of bytes) token += alphabet[byte % alphabet.length];
  return token;
}

/** Every window of `leakWindowLength` characters of the value (the whole value when shorter). */
export function secretWindows(value: string): string[] {
  if (value.length <= leakWindowLength) return [value];
  const windows = new Set<string>();
  for (let start = 0; start + leakWindowLength <= value.length; start += 1) windows.add(value.slice(start, start + leakWindowLength));
  return [...windows];
}

/** The first window of the secret found in the text, or undefined. */
export function findSecretFragment(text: string, secret: PlantedSecret): string | undefined {
  return secretWindows(secret.value).find((window) => text.includes(window));
}

/** Names of the secrets a text leaks, each with the fragment that gave it away. */
export function leakedSecrets(text: string, secrets: readonly PlantedSecret[]): { name: string; fragment: string }[] {
  const found: { name: string; fragment: string }[] = [];
  for (const secret of secrets) {
    const fragment = findSecretFragment(text, secret);
    if (fragment !== undefined) found.push({ name: secret.name, fragment });
  }
  return found;
}

/** A short excerpt around the first occurrence of a fragment, for failure messages. */
export function excerptAround(text: string, fragment: string, radius = 80): string {
  const index = text.indexOf(fragment);
  if (index < 0) return '';
  return text.slice(Math.max(0, index - radius), index + fragment.length + radius);
}
