import { describe, expect, it } from 'vitest';
import { createCompletionBatcher } from './completion-batcher.ts';
import type { Claim } from './job-table.ts';

const claim = (jobId: string): Claim => ({ jobId, workerId: 'worker', attempt: 1 });

describe('completion batcher', () => {
  it('writes the first completion at once and those that arrive during that write together next', async () => {
    const writes: string[][] = [];
    let finishWrite = () => {};
    const batcher = createCompletionBatcher(async (claims) => {
      writes.push(claims.map((entry) => entry.jobId));
      await new Promise<void>((resolve) => (finishWrite = resolve));
    });

    const first = batcher.complete(claim('1'));
    const rest = [batcher.complete(claim('2')), batcher.complete(claim('3'))];
    expect(writes).toEqual([['1']]);
    finishWrite();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([['1'], ['2', '3']]);
    finishWrite();
    await Promise.all(rest);
  });

  it('rejects every completion of a failed write and keeps writing later ones', async () => {
    let fail = true;
    const batcher = createCompletionBatcher(async () => {
      if (fail) throw new Error('connection lost');
    });
    await expect(batcher.complete(claim('1'))).rejects.toThrow('connection lost');
    fail = false;
    await expect(batcher.complete(claim('2'))).resolves.toBeUndefined();
  });
});
