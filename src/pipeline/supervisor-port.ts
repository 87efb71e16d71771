import type { SelfState } from '../domain/self-update-vocabulary.ts';

/**
 * The running Mender's line to its supervisor (issue 17). Under `mender start --no-supervisor`
 * (or in tests) `supervised` is false, `state()` undefined and the requests are refused by the
 * callers with that reason. The implementation speaks Node's IPC channel (`main/supervisor-link.ts`).
 */
export interface SupervisorPort {
  readonly supervised: boolean;
  /** The checkout the supervisor was started from: what `mender self enable` registers. */
  readonly checkout: string | undefined;
  state(): SelfState | undefined;
  /** Ask for the merged commit to become the running version. */
  requestUpdate(request: { commit: string; operationId: string | null; requestedBy: string }): void;
  /** Ask to go back to the previous version now (an admin's `mender self rollback`). */
  requestRollback(requestedBy: string): void;
  /** An operation step ran end to end: one of the probation's conditions. */
  stepCompleted(operationId: string): void;
  /** Called with each new state; returns the unsubscribe. */
  onState(listener: (state: SelfState) => void): () => void;
}

/** The port when nothing supervises this process. */
export const unsupervised: SupervisorPort = {
  supervised: false,
  checkout: undefined,
  state: () => undefined,
  requestUpdate: () => undefined,
  requestRollback: () => undefined,
  stepCompleted: () => undefined,
  onState: () => () => undefined,
};
