import type { Actor } from '../domain/roles.ts';
import { awaitingStatuses, type OperationStatus } from '../domain/operation-vocabulary.ts';
import type { OperationRow, OperationStore } from '../pipeline/operation-store.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { Database } from '../store/database.ts';
import { latestEventOf, pendingApprovals } from '../store/dashboard-queries.ts';
import { describeEvent } from './agent-summary.ts';

/** One gate waiting for a person, as the Overview's "Needs you" lists it. */
export interface NeedsYouEntry {
  operationId: string;
  /** The plan's summary, or the operation's description cut short. */
  title: string;
  type: string;
  repo: string;
  gate: string;
  level: string;
  /** The risk assessment's level, else the planner's estimate; null before either exists. */
  risk: string | null;
  /** Lines added and removed by the change (null at the plan gate: no change yet). */
  diff: { files: number; insertions: number; deletions: number } | null;
  requestedBy: string;
  waitingSince: string;
  /** Whether the one asking may decide this gate; when not, `reason` says why and who can. */
  forYou: boolean;
  reason: string | null;
}

/** An operation at work (not waiting for a person, not ended), with its latest step. */
export interface RunningOperation {
  operationId: string;
  title: string;
  type: string;
  repo: string;
  status: string;
  createdAt: string;
  /** The newest recorded event, in words; null before the first. */
  latest: { type: string; at: string; summary: string } | null;
}

const titleLength = 90;

/** The plan's summary when there is one, else the description's first line, cut at a word. */
export function operationTitle(row: Pick<OperationRow, 'plan' | 'description'>): string {
  const summary = (row.plan as { summary?: unknown } | null)?.summary;
  const text = (typeof summary === 'string' && summary.trim() ? summary : row.description).split('\n')[0]!.trim();
  if (text.length <= titleLength) return text;
  const cut = text.slice(0, titleLength);
  return `${cut.slice(0, cut.lastIndexOf(' ') > titleLength / 2 ? cut.lastIndexOf(' ') : titleLength).trimEnd()}…`;
}

type NeedsYouServices = { db: Database; operations: OperationStore; pipeline: Pick<Pipeline, 'approvalFor'> };

/** Every undecided gate, oldest wait first, with whether `actor` may decide it (theirs first). */
export async function needsYou(services: NeedsYouServices, actor: Actor): Promise<NeedsYouEntry[]> {
  const rows = await pendingApprovals(services.db);
  const entries = await Promise.all(
    rows.map(async (pending): Promise<NeedsYouEntry> => {
      const row = await services.operations.get(pending.operationId);
      const verdict = await services.pipeline.approvalFor(row, actor);
      const risk = (row.risk as { level?: string } | null)?.level ?? pending.plan?.riskLevel ?? null;
      const diff = pending.gate === 'plan' ? null : ((row.diffStats as NeedsYouEntry['diff']) ?? null);
      return {
        operationId: row.id,
        title: operationTitle(row),
        type: row.type,
        repo: pending.repo,
        gate: pending.gate,
        level: pending.requiredLevel,
        risk,
        diff,
        requestedBy: pending.requestedBy,
        waitingSince: pending.requestedAt.toISOString(),
        forYou: verdict?.allowed ?? false,
        reason: verdict && !verdict.allowed ? (verdict.reason ?? null) : null,
      };
    }),
  );
  // A stable sort: the ones this person can decide first, each group oldest wait first.
  return [...entries.filter((entry) => entry.forYou), ...entries.filter((entry) => !entry.forYou)];
}

/** Operations a step works on now, oldest first, each with its newest event. */
export async function runningOperations(services: NeedsYouServices & { repoName(id: string): Promise<string> }): Promise<RunningOperation[]> {
  const rows = (await services.operations.nonTerminal())
    .filter((row) => !awaitingStatuses.has(row.status as OperationStatus))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return Promise.all(
    rows.map(async (row): Promise<RunningOperation> => {
      const latest = await latestEventOf(services.db, row.id);
      return {
        operationId: row.id,
        title: operationTitle(row),
        type: row.type,
        repo: await services.repoName(row.repoId),
        status: row.status,
        createdAt: row.createdAt.toISOString(),
        latest: latest ? { type: latest.type, at: latest.at, summary: describeEvent(latest) } : null,
      };
    }),
  );
}
