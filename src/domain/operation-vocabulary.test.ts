import { describe, expect, it } from 'vitest';
import {
  assertAllowedTransition,
  awaitingStatuses,
  eventTypes,
  isAllowedTransition,
  mergedLikeStatuses,
  operationStatuses,
  operationTransitions,
  operationTypes,
  requestableOperationTypes,
  rollbackableStatuses,
  terminalStatuses,
  TransitionNotAllowedError,
} from './operation-vocabulary.ts';

const declared = new Set<string>(operationStatuses);

describe('the operation vocabulary', () => {
  it('knows the rollback type Mender starts itself, and no person can request it', () => {
    expect(operationTypes).toContain('rollback');
    expect(requestableOperationTypes).not.toContain('rollback');
  });

  it('builds every status set from declared statuses only', () => {
    for (const set of [terminalStatuses, awaitingStatuses, mergedLikeStatuses, rollbackableStatuses]) {
      for (const status of set) expect(declared).toContain(status);
    }
  });

  it('has a closed transition table: a row for every status, and every target a declared status', () => {
    expect(Object.keys(operationTransitions).sort()).toEqual([...operationStatuses].sort());
    for (const [from, targets] of Object.entries(operationTransitions)) {
      for (const to of targets) expect(declared, `${from} → ${to}`).toContain(to);
    }
  });

  it('lets a terminal status out only where a person may act: retry a failure, or roll back a done change', () => {
    const exits = Object.fromEntries([...terminalStatuses].map((status) => [status, [...operationTransitions[status]].sort()]));
    expect(exits).toEqual({ done: ['rolled_back'], failed: ['queued'], rejected: ['queued'], cancelled: ['queued'], rolled_back: [] });
  });

  it('lets every running status fail or be cancelled, and every status be reached except by jumping ahead', () => {
    for (const status of operationStatuses.filter((candidate) => !terminalStatuses.has(candidate))) {
      expect(isAllowedTransition(status, 'failed'), status).toBe(true);
      expect(isAllowedTransition(status, 'cancelled'), status).toBe(true);
    }
    expect(isAllowedTransition('queued', 'merging')).toBe(false);
    expect(isAllowedTransition('planning', 'merged')).toBe(false);
    expect(isAllowedTransition('no_such_status', 'failed')).toBe(false);
  });

  it('refuses a transition outside the table with an error naming from, to and what is allowed', () => {
    expect(() => assertAllowedTransition('op-1', 'merging', 'executing')).toThrow(TransitionNotAllowedError);
    expect(() => assertAllowedTransition('op-1', 'merging', 'executing')).toThrow(
      'operation op-1 may not change from merging to executing: the transition table allows merging → merged, done, failed, cancelled',
    );
    expect(() => assertAllowedTransition('op-1', 'verifying', 'reviewing')).not.toThrow();
  });

  it('lists each event type once, named noun then verb', () => {
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
    for (const type of eventTypes) expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
