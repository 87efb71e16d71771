import type { SelfState, SelfUpdate, SelfVersion } from '../domain/self-update-vocabulary.ts';
import type { SupervisorPort } from './supervisor-port.ts';

// Self-maintenance in words (issue 17): one sentence for `GET /api/self`, the CLI and the MCP tool.

export const unsupervisedAdvice =
  'Mender is not running under its supervisor (started with `mender start --no-supervisor`, or in-process): it cannot update or roll back itself; run it with `mender start` without --no-supervisor';

export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

export function describeVersion(version: SelfVersion): string {
  return `${shortCommit(version.commit)} (${version.slot === 'checkout' ? 'the checkout' : `slot ${version.slot}`})`;
}

/** The update in flight: its phase and, on probation, what it still waits for. */
export function describeUpdate(update: SelfUpdate): string {
  const head = `the update to ${shortCommit(update.commit)} is ${update.phase === 'probation' ? 'on probation' : update.phase}`;
  if (update.phase !== 'probation') return head;
  const waiting = [
    update.probation.healthySince ? undefined : 'not healthy yet',
    update.probation.stepCompleted ? undefined : 'no operation step completed yet',
  ].filter((item): item is string => item !== undefined);
  return `${head} (${waiting.length ? waiting.join(', ') : 'healthy and a step completed'}; it must stay healthy ${Math.round(update.probation.requiredMs / 1000)} s)`;
}

/** What the supervisor reports, in one sentence; `repo` is the self repository's name, if any. */
export function describeSelf(supervisor: SupervisorPort, state: SelfState | undefined, repo: string | null): string {
  if (!supervisor.supervised) return unsupervisedAdvice;
  const parts = state
    ? [
        `running ${describeVersion(state.active)}`,
        state.current ? describeUpdate(state.current) : 'no update in flight',
        state.previous ? `it can roll back to ${describeVersion(state.previous)}` : 'there is no previous version to roll back to',
      ]
    : ['Mender runs under its supervisor, which has not sent its state yet'];
  if (!repo) parts.push('self-maintenance is not enabled: `mender self enable` registers the checkout');
  return parts.join('; ');
}
