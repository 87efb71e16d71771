import type { SelfState, SelfUpdate, SelfVersion } from '../../src/domain/self-update-vocabulary.ts';
import type { SupervisorPort } from '../../src/pipeline/supervisor-port.ts';

/**
 * The supervisor is a separate process (it owns the port and runs Mender as its child): at the
 * process edge a hand-written port stands in for it, with the state a test sets and the requests
 * Mender made of it.
 */
export interface FakeSupervisor extends SupervisorPort {
  supervised: boolean;
  checkout: string | undefined;
  current: SelfState | undefined;
  rollbacks: string[];
  updates: { commit: string; operationId: string | null; requestedBy: string }[];
  stepsCompleted: string[];
  /** Sets the state and tells the listeners, as a state message from the supervisor would. */
  publish(state: SelfState): void;
}

export function createFakeSupervisor(checkout: string | undefined, state?: SelfState): FakeSupervisor {
  const listeners = new Set<(state: SelfState) => void>();
  const fake: FakeSupervisor = {
    supervised: true,
    checkout,
    current: state,
    rollbacks: [],
    updates: [],
    stepsCompleted: [],
    state: () => fake.current,
    requestUpdate: (request) => void fake.updates.push(request),
    requestRollback: (requestedBy) => void fake.rollbacks.push(requestedBy),
    stepCompleted: (operationId) => void fake.stepsCompleted.push(operationId),
    onState: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish: (next) => {
      fake.current = next;
      for (const listener of listeners) listener(next);
    },
  };
  return fake;
}

export const commits = {
  checkout: '1111111111111111111111111111111111111111',
  blessed: '2222222222222222222222222222222222222222',
  trial: '3333333333333333333333333333333333333333',
  reverted: '4444444444444444444444444444444444444444',
};

function versionOf(commit: string, slot: SelfVersion['slot'], checkout: string): SelfVersion {
  return { commit, slot, folder: slot === 'checkout' ? checkout : `/data/self/slots/${slot}` };
}

/** A supervisor that has only ever run the checkout: nothing to roll back to. */
export function firstState(checkout: string): SelfState {
  return {
    supervisor: { pid: 4242, startedAt: '2026-12-03T09:00:00.000Z', host: '127.0.0.1', port: 4100 },
    active: versionOf(commits.checkout, 'checkout', checkout),
    history: [],
    events: [],
  };
}

/** Slot a blessed, slot b on probation, one earlier update reverted for failing health. */
export function stateOnProbation(checkout: string): SelfState {
  const blessed: SelfUpdate = {
    id: 'su-1',
    commit: commits.blessed,
    previousCommit: commits.checkout,
    operationId: 'op-blessed',
    requestedBy: 'mender',
    phase: 'blessed',
    slot: 'a',
    requestedAt: '2026-12-03T10:00:00.000Z',
    switchedAt: '2026-12-03T10:01:00.000Z',
    finishedAt: '2026-12-03T10:06:00.000Z',
    probation: { requiredMs: 300_000, healthySince: '2026-12-03T10:01:01.000Z', stepCompleted: true, exits: [] },
    timings: { prepareMs: 41_000, handoverMs: 350, requestToServingMs: 60_000 },
  };
  const reverted: SelfUpdate = {
    id: 'su-2',
    commit: commits.reverted,
    previousCommit: commits.blessed,
    operationId: 'op-reverted',
    requestedBy: 'mender',
    phase: 'reverted',
    slot: 'b',
    requestedAt: '2026-12-03T11:00:00.000Z',
    finishedAt: '2026-12-03T11:03:00.000Z',
    reason: '/health answered 503 for 30 s',
    cause: 'health_failing',
    restoredBackup: true,
    probation: { requiredMs: 300_000, stepCompleted: false, exits: [] },
    timings: { prepareMs: 39_000, handoverMs: 420, faultToServingMs: 2_500 },
  };
  return {
    ...firstState(checkout),
    active: versionOf(commits.trial, 'b', checkout),
    previous: versionOf(commits.blessed, 'a', checkout),
    current: {
      id: 'su-3',
      commit: commits.trial,
      previousCommit: commits.blessed,
      operationId: 'op-trial',
      requestedBy: 'mender',
      phase: 'probation',
      slot: 'b',
      requestedAt: '2026-12-03T12:00:00.000Z',
      switchedAt: '2026-12-03T12:00:50.000Z',
      probation: { requiredMs: 300_000, healthySince: '2026-12-03T12:00:51.000Z', stepCompleted: false, exits: ['exit code 1 at 12:00:40'] },
      timings: { prepareMs: 40_000, handoverMs: 300 },
    },
    history: [reverted, blessed],
  };
}
