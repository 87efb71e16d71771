import type { Claim } from './job-table.ts';

/**
 * Group commit for job completions: the first completion is written at once, and those that
 * arrive while that write runs go together in the next one. With many short jobs this turns one
 * statement per job into one per batch, and frees a worker's slots together so that its next
 * claim fills several at once; a lone job waits for nothing.
 */
export interface CompletionBatcher {
  /** Resolves once the completion is written; rejects with the write's error. */
  complete(claim: Claim): Promise<void>;
}

interface Pending {
  claim: Claim;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createCompletionBatcher(write: (claims: Claim[]) => Promise<unknown>): CompletionBatcher {
  let pending: Pending[] = [];
  let writing = false;

  const writeAll = async () => {
    writing = true;
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await write(batch.map((entry) => entry.claim));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    writing = false;
  };

  return {
    complete(claim) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ claim, resolve, reject });
        if (!writing) void writeAll();
      });
    },
  };
}
