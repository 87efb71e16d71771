import type { Settings } from '../config/settings-schema.ts';
import type { AgentControl } from '../pipeline/agent-control.ts';
import type { Database } from '../store/database.ts';
import type { RecordedEvent } from '../store/event-hub.ts';
import type { EventType } from '../domain/operation-vocabulary.ts';
import { latestAgentEvent, latestEndedStatuses } from '../store/dashboard-queries.ts';

export interface LastAction {
  type: string;
  at: string;
  operationId: string | null;
  summary: string;
}

export interface AgentSummary {
  paused: boolean;
  pausedBy: string | null;
  pausedAt: string | null;
  reason: string | null;
  autonomyLevel: number;
  sandbox: string;
  health: 'ok' | 'degraded';
  healthReasons: string[];
  lastAction: LastAction | null;
  recentFailures: RecentFailures;
}

/** How many of the operations that finished last failed: health warns above `threshold`. */
export interface RecentFailures {
  /** How many finished operations are looked at, at most. */
  window: number;
  /** How many finished operations there were in the window (fewer on a young install). */
  finished: number;
  failed: number;
  /** failed ÷ finished; null while fewer than `minimum` finished (too few to judge). */
  rate: number | null;
  threshold: number;
  minimum: number;
}

// Finished: the outcome is known. Cancelled ones say nothing about how well Mender works.
const finishedStatuses = ['done', 'failed', 'rejected', 'rolled_back'] as const;
export const recentFailureWindow = 20;
export const recentFailureMinimum = 5;
/** More than this share of recent operations failing makes the agent degraded. */
export const recentFailureThreshold = 0.3;

/** The failure share of the last finished operations, from their statuses newest first. */
export function recentFailures(statuses: string[]): RecentFailures {
  const failed = statuses.filter((status) => status === 'failed').length;
  return {
    window: recentFailureWindow,
    finished: statuses.length,
    failed,
    rate: statuses.length >= recentFailureMinimum ? failed / statuses.length : null,
    threshold: recentFailureThreshold,
    minimum: recentFailureMinimum,
  };
}

/** The health reason for a high recent failure share, with the figure and the window; none below the threshold. */
export function failureRateReason(figures: RecentFailures): string[] {
  if (figures.rate === null || figures.rate <= figures.threshold) return [];
  return [
    `${figures.failed} of the last ${figures.finished} finished operations failed (${Math.round(figures.rate * 100)}%, above ${Math.round(figures.threshold * 100)}%): open the failed ones to see why`,
  ];
}

const roleModelSetting = { planner: 'plannerModel', coder: 'coderModel', reviewer: 'reviewerModel' } as const;

/** One line a person reads for an event Mender recorded. */
export function describeEvent(event: RecordedEvent): string {
  const data = event.data;
  const text = (key: string) => (typeof data[key] === 'string' || typeof data[key] === 'number' ? String(data[key]) : '');
  // Cast so each case label must be a declared event type.
  switch (event.type as EventType) {
    case 'tool.called':
      return `${event.actor} called ${text('tool')}${data.ok === false ? ` (failed${text('errorCode') ? `: ${text('errorCode')}` : ''})` : ''}`;
    case 'model.called':
      return `${text('role') || event.actor} model ${text('model')}: ${text('inputTokens')} tokens in, ${text('outputTokens')} out`;
    case 'agent.started':
      return `${text('role') || event.actor} started with ${text('model')}`;
    case 'agent.finished':
      return `${text('role') || event.actor} finished after ${text('steps')} steps`;
    case 'plan.created':
      return `planned: ${text('summary')}`;
    case 'approval.requested':
      return `waiting for ${text('requiredLevel')} approval of the ${text('gate')}`;
    case 'change.auto_approved':
      return `change approved by policy (risk ${text('risk')})`;
    case 'operation.failed':
      return `failed: ${text('reason')}`;
    case 'step.paused':
      return `${text('step')} stopped by the pause`;
    default: {
      const words = event.type.replace(/[._]/g, ' ');
      return text('to') ? `${words} (${text('from')} → ${text('to')})` : words;
    }
  }
}

/** Why the agent cannot work as configured: paused, commands without sandbox, roles without a model. */
export function healthReasons(settings: Settings, pause: { paused: boolean; by?: string; reason?: string }): string[] {
  const reasons: string[] = [];
  if (pause.paused) reasons.push(`paused by ${pause.by ?? 'someone'}${pause.reason ? `: ${pause.reason}` : ''}; nothing runs until an admin resumes`);
  if (settings.sandbox === 'off') reasons.push('the sandbox is off (MENDER_SANDBOX=off): test and build commands run without isolation');
  const missing = (Object.keys(roleModelSetting) as (keyof typeof roleModelSetting)[]).filter((role) => !(settings[roleModelSetting[role]] ?? settings.model));
  if (missing.length > 0) reasons.push(`no model is configured for the ${missing.join(', ')}: set MENDER_MODEL or the model in Settings`);
  return reasons;
}

/** The agent as the dashboard shows it: running or paused, autonomy, health with reasons (recent failure rate included), last action. */
export async function agentSummary(services: { control: AgentControl; settings: Settings; db: Database }): Promise<AgentSummary> {
  const pause = services.control.status();
  const [last, statuses] = await Promise.all([latestAgentEvent(services.db), latestEndedStatuses(services.db, finishedStatuses, recentFailureWindow)]);
  const failures = recentFailures(statuses);
  const reasons = [...healthReasons(services.settings, pause), ...failureRateReason(failures)];
  return {
    paused: pause.paused,
    pausedBy: pause.paused ? (pause.by ?? null) : null,
    pausedAt: pause.paused ? (pause.at ?? null) : null,
    reason: pause.paused ? (pause.reason ?? null) : null,
    autonomyLevel: services.settings.autonomyLevel,
    sandbox: services.settings.sandbox,
    health: reasons.length > 0 ? 'degraded' : 'ok',
    healthReasons: reasons,
    lastAction: last ? { type: last.type, at: last.at, operationId: last.operationId, summary: describeEvent(last) } : null,
    recentFailures: failures,
  };
}
