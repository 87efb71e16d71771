import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, sha256HeaderHex, verifyHmacSha256Hex } from './signatures.ts';
import { requireFreshTimestamp } from './timestamp-freshness.ts';

const body = Buffer.from('{"action":"created"}');

describe('verifyHmacSha256Hex', () => {
  it('accepts the HMAC-SHA256 of the raw bytes, in either hex case', () => {
    const signature = crypto.createHmac('sha256', 'secret').update(body).digest('hex');
    expect(hmacSha256Hex('secret', body)).toBe(signature);
    expect(verifyHmacSha256Hex('secret', body, signature)).toBe(true);
    expect(verifyHmacSha256Hex('secret', body, signature.toUpperCase())).toBe(true);
  });

  it('refuses another secret, another body, a cut or missing signature, and an empty secret', () => {
    const signature = hmacSha256Hex('secret', body);
    expect(verifyHmacSha256Hex('other', body, signature)).toBe(false);
    expect(verifyHmacSha256Hex('secret', Buffer.from('{"action":"deleted"}'), signature)).toBe(false);
    expect(verifyHmacSha256Hex('secret', body, signature.slice(0, 63))).toBe(false);
    expect(verifyHmacSha256Hex('secret', body, `${signature}00`)).toBe(false);
    expect(verifyHmacSha256Hex('secret', body, undefined)).toBe(false);
    expect(verifyHmacSha256Hex('secret', body, 'zz'.repeat(32))).toBe(false);
    expect(verifyHmacSha256Hex('', body, hmacSha256Hex('', body))).toBe(false);
  });

  it('reads the hex of sha256= headers only', () => {
    const signature = hmacSha256Hex('secret', body);
    expect(sha256HeaderHex(`sha256=${signature}`)).toBe(signature);
    expect(sha256HeaderHex(`sha1=${signature.slice(0, 40)}`)).toBeUndefined();
    expect(sha256HeaderHex(signature)).toBeUndefined();
    expect(sha256HeaderHex(undefined)).toBeUndefined();
  });
});

describe('requireFreshTimestamp', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const seconds = now.getTime() / 1000;

  it('accepts a timestamp within five minutes either way', () => {
    expect(requireFreshTimestamp(String(seconds - 299), 'X-Slack-Request-Timestamp', now)).toBe(seconds - 299);
    expect(requireFreshTimestamp(String(seconds + 60), 'X-Slack-Request-Timestamp', now)).toBe(seconds + 60);
  });

  it('refuses stale, missing and non-numeric timestamps with 401', () => {
    for (const header of [String(seconds - 301), undefined, '', 'yesterday']) {
      expect(() => requireFreshTimestamp(header, 'X-Slack-Request-Timestamp', now)).toThrow(expect.objectContaining({ status: 401 }));
    }
  });
});
