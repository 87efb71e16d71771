import type { SelfRevertCause } from '../domain/self-update-vocabulary.ts';
import { ChildFailure } from './mender-child.ts';

export type HandoverTimings = { handoverMs: number; drainMs: number; backupMs?: number; takeOverMs: number };

/** The active version did not start when the supervisor did: the reason is above, in its output. */
export class SupervisorStartError extends Error {}

/** The handover failed: the new version never served. */
export class HandoverFailure extends Error {
  constructor(
    readonly revertCause: SelfRevertCause,
    message: string,
    readonly faultAt: number,
  ) {
    super(message);
  }
}

/** The output of a version that failed before it served, when the failure carries it. */
export function lastOutput(error: unknown): string | undefined {
  return error instanceof ChildFailure ? error.logTail : undefined;
}
