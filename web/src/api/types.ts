// The shapes the Mender API answers with, as the dashboard reads them.

export type Role = 'viewer' | 'team-lead' | 'admin';

export interface User {
  id: string;
  name: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

export interface OperationSummary {
  id: string;
  type: string;
  source: string;
  status: string;
  repo: string;
  description: string;
  branch: string | null;
  attempts: number;
  maxAttempts: number;
  failureReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface PlanStep {
  type: string;
  description: string;
  files?: string[];
}

export interface Plan {
  summary: string;
  rootCause: string;
  affectedFiles: string[];
  steps: PlanStep[];
  testCommand?: string;
  estimatedMinutes?: number;
  riskLevel: string;
  risks: string[];
}

export interface RunSummary {
  command: string;
  exitCode: number | null;
  passed: number;
  failed: number;
  failures: { id: string; message?: string }[];
  durationMs: number;
  artifact?: string;
}

export interface AttemptEvidence {
  attempt: number;
  verified: boolean;
  reason: string;
  changedFiles?: { path: string; status?: string; isTest?: boolean }[];
  red: { status: string; run?: RunSummary; newlyFailing: string[] };
  green: { status: string; run?: RunSummary; stillFailing: string[]; newFailures: string[] };
  checks: Record<string, { status: string; exitCode: number | null; errors: number; command: string }>;
  flags: string[];
}

export interface Evidence {
  baseline?: { command: string; exitCode: number | null; passed: number; failed: number; failingIds: string[]; durationMs: number };
  attempts?: AttemptEvidence[];
  red?: AttemptEvidence['red'];
  green?: AttemptEvidence['green'];
  checks?: AttemptEvidence['checks'];
  flags?: string[];
}

export interface ReviewFinding {
  severity: string;
  category: string;
  file?: string;
  message: string;
}

export interface Review {
  summary: string;
  verdict: string;
  findings: ReviewFinding[];
}

export interface Risk {
  level: string;
  requiredApproval: string;
  reasons: string[];
  categories?: string[];
  linesChanged?: number;
  autoEligible?: boolean;
}

export interface Approval {
  id: string;
  gate: string;
  requiredLevel: string;
  decision: string | null;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: string;
  decidedAt: string | null;
}

export interface ChangeRequest {
  id: string;
  status: string;
  title: string;
  branch: string;
  baseCommit: string;
  headCommit: string;
  mergeCommit: string | null;
  url?: string;
}

export interface TimelineEvent {
  sequence: number;
  operationId: string | null;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

export interface OperationDetail extends OperationSummary {
  errorContext: { message?: string; stack?: string; logs?: string } | null;
  plan: Plan | null;
  planMarkdown: string | null;
  baseCommit: string | null;
  headCommit: string | null;
  mergeCommit: string | null;
  diffStats: { files?: number; insertions?: number; deletions?: number } | null;
  risk: Risk | null;
  rollbackOf: string | null;
  evidence: Evidence;
  review: Review | null;
  usage: Record<string, unknown>;
  feedback: string | null;
  approvals: Approval[];
  changeRequest: ChangeRequest | null;
  artifacts: { id: string; name: string }[];
  timeline: TimelineEvent[];
}

export interface LastAction {
  type: string;
  at: string;
  operationId: string | null;
  summary: string;
}

export interface AgentOverview {
  paused: boolean;
  pausedBy?: string | null;
  pausedAt?: string | null;
  reason?: string | null;
  autonomyLevel: number;
  sandbox: string;
  health: string;
  healthReasons: string[];
  lastAction: LastAction | null;
}

export interface DailyFigures {
  day: string;
  total: number;
  merged: number;
  failed: number;
  rejected: number;
  cancelled: number;
  successRate: number | null;
  medianMinutesToVerified: number | null;
  cost: number;
}

export interface Overview {
  agent: AgentOverview;
  counts: Record<string, number>;
  daily: DailyFigures[];
}

export interface QueuedApproval {
  operationId: string;
  type: string;
  repo: string;
  description: string;
  status: string;
  gate: string;
  level: string;
  reasons: string[];
  requestedBy: string;
  waitingSince: string;
}

export interface EditableSetting {
  key: string;
  description: string;
  type: string;
  options?: string[];
  min?: number;
  max?: number;
  source: string;
  value: unknown;
}

export interface SettingsView {
  settings: Record<string, unknown>;
  editable: EditableSetting[];
}

export interface AuditEntry {
  sequence: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  previousHash: string;
  hash: string;
}

export type AuditVerification = { ok: true; entries: number; lastHash: string | null } | { ok: false; brokenAt: number; kind: string; reason: string };

export interface Repo {
  name: string;
  path: string;
  defaultBranch: string;
}

export interface DetectedIssue {
  id: string;
  title: string;
  culprit?: string | null;
  severity: string;
  severityRule?: string | null;
  status: string;
  count: number;
  counts?: { m5?: number; h1?: number; h24?: number };
  users?: number;
  firstSeen: string;
  lastSeen: string;
  releases?: string[];
  environments?: string[];
  repo?: string | null;
  /** Ids, or `{id, status, type}` as the detection routes give them. */
  operations?: (string | { id: string; status?: string; type?: string })[];
  histogram?: { t: string; n: number }[];
  statusReason?: string | null;
  holdReason?: string | null;
}

export interface StackFrame {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  inApp?: boolean;
  in_app?: boolean;
}

export interface SampleException {
  type?: string;
  value?: string;
  frames?: StackFrame[];
  stacktrace?: { frames?: StackFrame[] };
}

/** A sample event: the Sentry event shape (exception.values[].stacktrace.frames) or a flattened one. */
export interface IssueSample {
  id?: string;
  event_id?: string;
  at?: string;
  timestamp?: string | number;
  kind?: string;
  message?: string | { formatted?: string };
  exception?: SampleException[] | { values?: SampleException[] };
  release?: string;
  environment?: string;
}

export interface DetectedIssueDetail extends DetectedIssue {
  samples?: IssueSample[];
  grouping?: Record<string, unknown> | string | null;
}
