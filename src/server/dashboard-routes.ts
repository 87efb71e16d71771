import type { Hono } from 'hono';
import { z } from 'zod';
import type { Settings } from '../config/settings-schema.ts';
import type { AgentControl } from '../pipeline/agent-control.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { Database } from '../store/database.ts';
import { latestApprovalRequest, latestGateDecision, operationOutcomesSince, pendingApprovals, type PendingApprovalRow } from '../store/dashboard-queries.ts';
import { agentSummary } from './agent-summary.ts';
import type { AppEnvironment } from './authenticate.ts';
import { needsYou, runningOperations } from './needs-you.ts';
import { dailyOutcomes, windowStart } from './overview.ts';
import { parseQuery } from './parse-request.ts';

/** One entry of `GET /api/approvals`: an operation waiting at a gate, and why. */
export interface QueuedApproval {
  operationId: string;
  type: string;
  repo: string;
  description: string;
  status: string;
  gate: string;
  level: string;
  reasons: string[];
  /** The policy rule that sent it to a person, and its reason (null for decisions recorded before rules had ids). */
  rule: string | null;
  reason: string | null;
  requestedBy: string;
  waitingSince: string;
}

const overviewQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }).strict();

async function reasonsFor(db: Database, row: PendingApprovalRow): Promise<string[]> {
  if (row.gate === 'plan') {
    return [
      `plans of ${row.type} operations wait for a human (MENDER_PLAN_GATE)`,
      ...(row.plan?.riskLevel ? [`the planner estimates the risk as ${row.plan.riskLevel}`] : []),
    ];
  }
  const request = await latestApprovalRequest(db, row.operationId);
  const decision = typeof request?.decision === 'string' ? [request.decision] : [];
  return [...decision, ...(row.risk?.reasons ?? [])];
}

async function ruleFor(db: Database, row: PendingApprovalRow): Promise<Pick<QueuedApproval, 'rule' | 'reason'>> {
  const policy = await latestGateDecision(db, row.operationId, row.gate);
  return { rule: typeof policy?.rule === 'string' ? policy.rule : null, reason: typeof policy?.reason === 'string' ? policy.reason : null };
}

/** `GET /api/overview` (agent, counts, daily outcomes, what needs you, what runs) and `GET /api/approvals` (what waits for a human). */
export function registerDashboardRoutes(
  app: Hono<AppEnvironment>,
  services: {
    db: Database;
    control: AgentControl;
    settings: Settings;
    operations: OperationStore;
    pipeline: Pick<Pipeline, 'approvalFor'>;
    repos: Pick<RepoStore, 'byId'>;
  },
): void {
  const repoName = async (id: string) => (await services.repos.byId(id))?.name ?? id;
  app.get('/api/overview', async (c) => {
    const { days } = parseQuery(c, overviewQuery);
    const now = new Date();
    const [agent, counts, rows, waiting, running] = await Promise.all([
      agentSummary(services),
      services.operations.countByStatus(),
      operationOutcomesSince(services.db, windowStart(now, days)),
      needsYou(services, c.get('actor')),
      runningOperations({ ...services, repoName }),
    ]);
    return c.json({ agent, counts, daily: dailyOutcomes(rows, now, days), needsYou: waiting, running });
  });

  app.get('/api/approvals', async (c) => {
    const [rows, waiting] = await Promise.all([pendingApprovals(services.db), needsYou(services, c.get('actor'))]);
    const approvals = await Promise.all(
      rows.map(async (row): Promise<QueuedApproval> => ({
        ...(await ruleFor(services.db, row)),
        operationId: row.operationId,
        type: row.type,
        repo: row.repo,
        description: row.description,
        status: row.status,
        gate: row.gate,
        level: row.requiredLevel,
        reasons: await reasonsFor(services.db, row),
        requestedBy: row.requestedBy,
        waitingSince: row.requestedAt.toISOString(),
      })),
    );
    // The navigation's badge: how many of these the one asking may decide.
    return c.json({ approvals, waitingForYou: waiting.filter((entry) => entry.forYou).length });
  });
}
