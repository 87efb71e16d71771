// The shapes the HTTP API answers with, in one place: the dashboard (web/) and the CLI import them
// with `import type` (erased when built, so no server code reaches the browser bundle). Each shape
// is declared where the server builds it; this module only re-exports them, plus the envelopes the
// routes write inline, composed from those shapes.
import type { PauseState } from '../pipeline/agent-control.ts';
import type { AttemptEvidence } from '../pipeline/verify-change.ts';
import type { RepoRow } from '../store/repo-store.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import type { AgentSummary } from './agent-summary.ts';
import type { AuditEntryView } from './audit-routes.ts';
import type { QueuedApproval } from './dashboard-routes.ts';
import type { DetectedIssueView } from '../detect/issue-views.ts';
import type { OperationSummary } from './operation-view.ts';
import type { DailyOutcome } from './overview.ts';
import type { NeedsYouEntry, RunningOperation } from './needs-you.ts';
import type { ProjectView } from './issue-routes.ts';
import type { ToolCallView } from './tool-call-routes.ts';
import type { DeliveryView } from './webhook-routes.ts';
import type { SessionView } from './session-routes.ts';
import type { PolicyChange } from './policy-changes.ts';
import type { PolicyView } from './policy-view.ts';

// Operations
export type { OperationSummary, OperationDetail, ApprovalView, ChangeRequestSummary } from './operation-view.ts';
export type { RecordedEvent as TimelineEvent } from '../store/event-hub.ts';
export type { Plan } from '../agent/plan.ts';
export type { Review, ReviewFinding } from '../agent/review.ts';
export type { RiskAssessment } from '../safety/risk-assessment.ts';
export type { DiffStats } from '../pipeline/change-files.ts';
export type { OperationEvidence } from '../pipeline/operation-evidence.ts';
export type { AttemptEvidence, BaselineEvidence, FailureSummary, RunSummary } from '../pipeline/verify-change.ts';
export type { BaselineDiagnosis } from '../pipeline/baseline-diagnosis.ts';
export type { TestRunner, TestStepResult } from '../workspace/test-report/types.ts';
export type { ToolCallView } from './tool-call-routes.ts';

// The agent, the overview and the approval queue
export type { PauseState } from '../pipeline/agent-control.ts';
export type { AgentSummary, LastAction, RecentFailures } from './agent-summary.ts';
export type { NeedsYouEntry, RunningOperation } from './needs-you.ts';
export type { DailyOutcome } from './overview.ts';
export type { QueuedApproval } from './dashboard-routes.ts';

// The policy
export type { PolicyView, PolicyRuleView } from './policy-view.ts';
export type { PolicyExplanation, CurrentDecisionView } from './policy-explain.ts';
export type { RecordedGateDecision } from './gate-decisions.ts';
export type { PolicyChange } from './policy-changes.ts';

// Sessions, settings, audit
export type { Role } from '../domain/roles.ts';
export type { SessionView } from './session-routes.ts';
export type { EditableSettingView, SettingSource, SettingsView } from './runtime-settings.ts';
export type { AuditEntryView } from './audit-routes.ts';
export type { AuditVerification } from '../store/audit-log.ts';

// Detection
export type { DetectedIssueDetailView, DetectedIssueView } from '../detect/issue-views.ts';
export type { IssueSample } from '../detect/digest.ts';
export type { BreakdownEntry, IssueBreakdown } from '../detect/issue-breakdowns.ts';
export type { EventException, EventFrame } from '../detect/detected-event.ts';
export type { Grouping } from '../detect/grouping.ts';
export type { ProjectView } from './issue-routes.ts';

// Integrations
export type { DeliveryView } from './webhook-routes.ts';

// Self-maintenance
export type { SelfView } from './self-view.ts';
export type { SelfEnabledView, SelfRollbackView } from './self-routes.ts';
export type { SelfState, SelfUpdate, SelfVersion, SelfEvent } from '../domain/self-update-vocabulary.ts';

/** The signed-in user inside a session. */
export type SessionUser = SessionView['user'];

/** `GET /api/operations`. */
export interface OperationList {
  operations: OperationSummary[];
  total: number;
}

/** `POST /api/operations` and the decisions (approve, reject, request-changes, cancel, retry). */
export interface OperationStatus {
  id: string;
  status: string;
}

/** `GET /api/agent`: the pause state, the summary the overview shows, and operations by status. */
// The summary is spread after the pause state, so its fields (`reason`) win.
export type AgentStatus = Omit<PauseState, keyof AgentSummary> & AgentSummary & { operations: Record<string, number> };

/** `GET /api/overview`. */
export interface Overview {
  agent: AgentSummary;
  counts: Record<string, number>;
  daily: DailyOutcome[];
  /** Every undecided gate, the ones the signed-in person may decide first. */
  needsYou: NeedsYouEntry[];
  /** Operations a step works on now, oldest first. */
  running: RunningOperation[];
}

/** `GET /api/approvals`. */
export interface ApprovalQueue {
  approvals: QueuedApproval[];
  /** How many of them the signed-in person may decide (the navigation's badge). */
  waitingForYou: number;
}

/** `PUT /api/policy` and `POST /api/policy/reload`: the hashes before and after, and the policy now in force. */
export type PolicyChangeResult = PolicyChange & { policy: PolicyView };

/** `GET /api/audit`: one page, and where the next starts (null on the last). */
export interface AuditPage {
  entries: AuditEntryView[];
  nextAfter: number | null;
  nextBefore: number | null;
}

/** `GET /api/audit/actions`. */
export interface AuditActionList {
  actions: { action: string; count: number }[];
}

/** `GET /api/issues`. */
export interface IssueList {
  issues: DetectedIssueView[];
  total: number;
}

/** `POST /api/issues/:id/resolve`. */
export interface ResolvedIssue {
  id: string;
  status: string;
  resolvedRelease: string | null;
}

/** `POST /api/issues/:id/fix`: the fix operation a person started for the issue. */
export interface StartedIssueFix {
  issueId: string;
  operationId: string;
}

/** `GET /api/projects`. */
export interface ProjectList {
  projects: ProjectView[];
}

/** A repository in `GET/POST /api/repos`: the row, dates as ISO text, the commands detected, the remote it was cloned from. */
export type RepoView = Omit<RepoRow, 'createdAt'> & { createdAt: string; detectedCommands: RepoCommands; remote: string | null };
/** The answer to registering one: its view, and what the caller should know (a local path no live worker on another disk can see). */
export type RegisteredRepoView = RepoView & { warnings: string[] };

/** `GET /api/repos`. */
export interface RepoList {
  repos: RepoView[];
}

/** `GET /api/operations/:id/tool-calls`. */
export interface ToolCallList {
  toolCalls: ToolCallView[];
}

/** `GET /api/integrations/deliveries`. */
export interface DeliveryList {
  deliveries: DeliveryView[];
}

/** What red proved: the new tests against the old source. */
export type RedEvidence = AttemptEvidence['red'];

/** What green proved: the whole suite against the change. */
export type GreenEvidence = AttemptEvidence['green'];
