import type { SelfUpdate, SelfVersion } from '../domain/self-update-vocabulary.ts';
import type { SelfView } from '../server/api-types.ts';

// How `mender self status` prints: versions, the update in flight with its probation, recent history.

const historyShown = 5;

function short(commit: string): string {
  return commit.slice(0, 12);
}

function version(value: SelfVersion | undefined): string {
  if (!value) return 'none';
  return `${short(value.commit)}  ${value.slot === 'checkout' ? 'checkout' : `slot ${value.slot}`}  ${value.folder}`;
}

function seconds(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : `${(ms / 1000).toFixed(1)} s`;
}

function timings(update: SelfUpdate): string {
  const parts = [
    ['prepare', seconds(update.timings.prepareMs)],
    ['handover', seconds(update.timings.handoverMs)],
    ['request to serving', seconds(update.timings.requestToServingMs)],
    ['fault to serving', seconds(update.timings.faultToServingMs)],
  ].filter((part): part is [string, string] => part[1] !== undefined);
  return parts.length ? parts.map(([name, value]) => `${name} ${value}`).join(', ') : 'no timings';
}

function origin(update: SelfUpdate): string {
  return `${update.operationId ? `operation ${update.operationId}` : 'by hand'}, requested by ${update.requestedBy} at ${update.requestedAt}`;
}

function currentLines(update: SelfUpdate): string[] {
  const lines = [
    `in flight: ${update.id} ${update.phase}: ${short(update.previousCommit)} → ${short(update.commit)} into ${update.slot === 'checkout' ? 'the checkout' : `slot ${update.slot}`} (${origin(update)})`,
  ];
  if (update.phase === 'probation') {
    const probation = update.probation;
    lines.push(
      `  probation: healthy since ${probation.healthySince ?? 'not yet'}, must stay healthy ${Math.round(probation.requiredMs / 1000)} s`,
      `  operation step completed: ${probation.stepCompleted ? 'yes' : 'not yet'}`,
      `  exits: ${probation.exits.length ? probation.exits.join('; ') : 'none'}`,
    );
  }
  lines.push(`  ${timings(update)}`);
  return lines;
}

function historyLine(update: SelfUpdate): string {
  const why = [update.cause, update.reason].filter(Boolean).join(': ');
  return `  ${update.id} ${update.phase} ${short(update.previousCommit)} → ${short(update.commit)}${why ? ` (${why})` : ''}; ${origin(update)}; ${timings(update)}${update.restoredBackup ? '; database restored from the backup' : ''}`;
}

export function formatSelfStatus(view: SelfView): string {
  const lines = [view.summary, ''];
  lines.push(`self repository: ${view.repo ?? 'none (an admin runs `mender self enable` under the supervisor)'}`);
  if (view.checkout) lines.push(`checkout: ${view.checkout}`);
  const state = view.state;
  if (!state) return lines.join('\n');
  lines.push(
    `supervisor: pid ${state.supervisor.pid} on ${state.supervisor.host}:${state.supervisor.port}, since ${state.supervisor.startedAt}`,
    `active:   ${version(state.active)}`,
    `previous: ${version(state.previous)}`,
  );
  lines.push(...(state.current ? currentLines(state.current) : ['in flight: nothing']));
  const recent = state.history.slice(0, historyShown);
  lines.push(recent.length ? `history (last ${recent.length} of ${state.history.length}):` : 'history: no finished updates yet', ...recent.map(historyLine));
  return lines.join('\n');
}
