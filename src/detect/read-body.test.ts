import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IngestError } from './ingest-error.ts';
import { decodeBody, DecompressionBudget } from './read-body.ts';

const limit = 1024 * 1024;
// A small body that inflates to the whole limit: the gzip bomb of the security review.
const bomb = zlib.gzipSync(Buffer.alloc(limit, 0x61));

describe('decodeBody under a decompression budget', () => {
  it('lets only as many decompressions run at once as the budget holds, refuses the rest with 429 and Retry-After, and frees the budget afterwards', async () => {
    const budget = new DecompressionBudget(3 * limit);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => decodeBody(bomb, 'gzip', limit, budget)));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason as IngestError);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const error of refused) {
      expect(error).toBeInstanceOf(IngestError);
      expect(error.status).toBe(429);
      expect(error.headers['retry-after']).toBe('1');
    }
    expect(budget.heldBytes).toBe(0);
    // Once they ended, the next burst gets the same room again.
    await expect(decodeBody(bomb, 'gzip', limit, budget)).resolves.toHaveLength(limit);
  });

  it('releases its share when a body is refused as too large or malformed', async () => {
    const budget = new DecompressionBudget(limit);
    await expect(decodeBody(bomb, 'gzip', limit / 2, budget)).rejects.toMatchObject({ status: 413 });
    await expect(decodeBody(Buffer.from('not gzip'), 'gzip', limit, budget)).rejects.toMatchObject({ status: 400 });
    await expect(decodeBody(bomb, 'compress', limit, budget)).rejects.toMatchObject({ status: 415 });
    expect(budget.heldBytes).toBe(0);
  });

  it('holds nothing for an uncompressed body', async () => {
    const budget = new DecompressionBudget(1);
    const bodies = await Promise.all(Array.from({ length: 5 }, () => decodeBody(Buffer.from('{}'), undefined, limit, budget)));
    expect(bodies.map(String)).toEqual(['{}', '{}', '{}', '{}', '{}']);
  });
});
