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

export type TestRunner = 'vitest' | 'jest' | 'mocha' | 'node-test' | 'tape' | 'ava' | 'tap' | 'playwright' | 'unknown';

/** One runner invocation of a test command's chain and what was read from it. */
export interface TestStepResult {
  command: string;
  /** Scripts followed to reach it, outermost first. */
  scripts: string[];
  runner: TestRunner;
  structured: boolean;
  passed: number;
  failed: number;
  skipped: number;
  /** Why this step was read from the exit code. */
  fallbackReason?: string;
}

/** One failing test: enough to name it, place it and say why. */
export interface FailureSummary {
  id: string;
  file?: string;
  name?: string;
  line?: number;
  message?: string;
  /** Index into the run's `steps`. */
  step?: number;
}

export interface RunSummary {
  command: string;
  exitCode: number | null;
  passed: number;
  failed: number;
  failures: FailureSummary[];
  durationMs: number;
  artifact?: string;
  steps?: TestStepResult[];
}

export interface RedEvidence {
  status: 'confirmed' | 'missing' | 'not_failing' | 'skipped';
  run?: RunSummary;
  newlyFailing: string[];
  /** The new tests only, or the whole suite (`scopeReason` says why). */
  scope?: 'changed-tests' | 'full-suite';
  scopeReason?: string;
  /** The baseline's full run, beside which red's own time is shown. */
  fullSuiteMs?: number;
}

export interface GreenEvidence {
  status: 'passed' | 'failed';
  run?: RunSummary;
  stillFailing: string[];
  newFailures: string[];
  /** Failing before any change, passing now. */
  fixed?: string[];
  /** Failing before any change and still failing: not counted as new failures. */
  failingBefore?: string[];
}

export interface AttemptEvidence {
  attempt: number;
  verified: boolean;
  reason: string;
  changedFiles?: { path: string; status?: string; isTest?: boolean }[];
  red: RedEvidence;
  green: GreenEvidence;
  checks: Record<string, { status: string; exitCode: number | null; errors: number; command: string }>;
  flags: string[];
}

/** The suite before any change, kept once per operation. */
export interface BaselineEvidence {
  command: string;
  exitCode: number | null;
  passed: number;
  failed: number;
  failingIds: string[];
  /** False when the counts come from the exit code alone. */
  structured?: boolean;
  durationMs: number;
  checks?: Record<string, { exitCode: number | null; errors: number }>;
  /** The end of the suite's output, kept to explain a failing baseline. */
  outputTail?: string;
  timedOut?: boolean;
}

/** Why the unchanged tree's suite failed, when it did without naming failing tests. */
export interface BaselineDiagnosis {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  outputTail: string;
  comparison: { ran: false; why: string } | { ran: true; exitCode: number | null; timedOut: boolean; outputTail: string };
  verdict: 'sandbox' | 'repository' | 'unknown';
  reason: string;
}

export interface Evidence {
  baseline?: BaselineEvidence;
  baselineDiagnosis?: BaselineDiagnosis;
  attempts?: AttemptEvidence[];
  red?: RedEvidence;
  green?: GreenEvidence;
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
