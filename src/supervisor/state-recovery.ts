import fs from 'node:fs';
import { finishedSelfUpdatePhases, type SelfState, type SelfUpdate, type SelfVersion } from '../domain/self-update-vocabulary.ts';
import { withEvent } from './state-file.ts';

/**
 * The stored state, made true again when the supervisor starts: an update it left half way falls
 * back, as an unblessed A/B slot does (the database restored when that update's backup was taken),
 * and a release folder that is gone is replaced by the checkout.
 */
export function recoverState(
  stored: SelfState | undefined,
  context: { fromCheckout: SelfVersion; supervisor: SelfState['supervisor']; restoreBackup: (updateId: string) => boolean },
): SelfState {
  const { fromCheckout, supervisor } = context;
  if (!stored) return { supervisor, active: fromCheckout, history: [], events: [] };
  let state: SelfState = { ...stored, supervisor };
  const interrupted = state.current && !finishedSelfUpdatePhases.has(state.current.phase) ? state.current : undefined;
  if (interrupted) {
    const switched = interrupted.phase === 'probation';
    if (switched && state.previous) state = { ...state, active: state.previous, previous: undefined };
    // The handover may have begun before the supervisor stopped: the backup says whether it had.
    const restored = interrupted.migrates === true && context.restoreBackup(interrupted.id);
    const update: SelfUpdate = {
      ...interrupted,
      phase: switched ? 'reverted' : 'failed',
      cause: 'supervisor_restart',
      reason: 'the supervisor stopped before the update was finished; the previous version serves',
      restoredBackup: restored,
      finishedAt: new Date().toISOString(),
    };
    state = withEvent(
      { ...state, current: undefined, history: [update, ...state.history] },
      update,
      switched ? 'self_update.reverted' : 'self_update.failed',
      { cause: update.cause, reason: update.reason },
      new Date(),
    );
  }
  if (!fs.existsSync(state.active.folder)) state = { ...state, active: fromCheckout, previous: undefined };
  if (state.previous && !fs.existsSync(state.previous.folder)) state = { ...state, previous: undefined };
  if (state.active.slot === 'checkout') state = { ...state, active: fromCheckout };
  return state;
}
