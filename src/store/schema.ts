import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

// Keep in step with migrations/*.sql: the SQL files are what runs, this is what the code reads.

export const repos = pgTable('repos', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  path: text('path').notNull(),
  defaultBranch: text('default_branch').notNull(),
  commands: jsonb('commands').$type<Record<string, string>>().notNull().default({}),
  source: text('source').notNull().default('api'),
  /** Deploy settings (`deploy/deploy-settings.ts`); null: the repository does not deploy. */
  deploy: jsonb('deploy').$type<Record<string, unknown> | null>(),
  /** Mender's own checkout (self-maintenance, `pipeline/self-repo.ts`); at most one row. */
  self: boolean('self').notNull().default(false),
  /** The data folder (`store/data-folder-id.ts`) of the process that registered it; null: every process sees its path. */
  dataFolderId: text('data_folder_id'),
  /** A plain git remote it was registered from (`forge/git-remote/`); GitHub's are in github_repositories. */
  remoteUrl: text('remote_url'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every running Mender process, refreshed every few seconds (`store/process-presence.ts`). */
export const menderProcesses = pgTable('mender_processes', {
  processId: text('process_id').primaryKey(),
  role: text('role').notNull(),
  dataFolderId: text('data_folder_id').notNull(),
  host: text('host').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});

export const operations = pgTable(
  'operations',
  {
    id: text('id').primaryKey(),
    repoId: text('repo_id')
      .notNull()
      .references(() => repos.id),
    type: text('type').notNull(),
    source: text('source').notNull(),
    description: text('description').notNull(),
    errorContext: jsonb('error_context').$type<Record<string, unknown> | null>(),
    status: text('status').notNull(),
    plan: jsonb('plan').$type<Record<string, unknown> | null>(),
    planMarkdown: text('plan_markdown'),
    branch: text('branch'),
    baseCommit: text('base_commit'),
    headCommit: text('head_commit'),
    mergeCommit: text('merge_commit'),
    diffStats: jsonb('diff_stats').$type<Record<string, unknown> | null>(),
    evidence: jsonb('evidence').$type<object>().notNull().default({}),
    review: jsonb('review').$type<Record<string, unknown> | null>(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    usage: jsonb('usage').$type<Record<string, unknown>>().notNull().default({}),
    feedback: text('feedback'),
    failureReason: text('failure_reason'),
    risk: jsonb('risk').$type<object | null>(),
    rollbackOf: text('rollback_of'),
    /** Queue priority of every job of the operation (lower first), from its severity. */
    priority: integer('priority').notNull().default(2),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('operations_status_index').on(table.status), index('operations_repo_index').on(table.repoId)],
);

export const events = pgTable(
  'events',
  {
    sequence: bigserial('sequence', { mode: 'number' }).primaryKey(),
    operationId: text('operation_id'),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('events_operation_index').on(table.operationId, table.sequence)],
);

export const approvals = pgTable('approvals', {
  id: text('id').primaryKey(),
  operationId: text('operation_id')
    .notNull()
    .references(() => operations.id),
  gate: text('gate').notNull(),
  requiredLevel: text('required_level').notNull(),
  decision: text('decision'),
  decidedBy: text('decided_by'),
  comment: text('comment'),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
});

export const changeRequests = pgTable('change_requests', {
  id: text('id').primaryKey(),
  operationId: text('operation_id')
    .notNull()
    .references(() => operations.id),
  repoId: text('repo_id')
    .notNull()
    .references(() => repos.id),
  branch: text('branch').notNull(),
  baseCommit: text('base_commit').notNull(),
  headCommit: text('head_commit').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  diff: text('diff').notNull(),
  status: text('status').notNull(),
  mergeCommit: text('merge_commit'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const artifacts = pgTable('artifacts', {
  id: text('id').primaryKey(),
  operationId: text('operation_id')
    .notNull()
    .references(() => operations.id),
  name: text('name').notNull(),
  content: text('content').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The BullMQ queue's transactional outbox (migration 0017): jobs added in a transaction, waiting for the relay to move them to Redis. */
export const jobOutbox = pgTable(
  'job_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    priority: integer('priority').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    backoffMs: integer('backoff_ms').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('job_outbox_dedupe_index').on(table.dedupeKey)],
);

export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    priority: integer('priority').notNull().default(0),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    backoffMs: integer('backoff_ms').notNull(),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('jobs_ready_index').on(table.queue, table.status, table.priority, table.runAt), uniqueIndex('jobs_dedupe_index').on(table.dedupeKey)],
);

export const auditLog = pgTable('audit_log', {
  sequence: bigint('sequence', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subject: text('subject').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  previousHash: text('previous_hash').notNull(),
  hash: text('hash').notNull(),
});

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  role: text('role').notNull(),
  passwordHash: text('password_hash'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const apiTokens = pgTable('api_tokens', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const agentState = pgTable('agent_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// — dashboard —

export const sessions = pgTable('sessions', {
  idHash: text('id_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  csrfHash: text('csrf_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  address: text('address'),
});

export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

export const settingOverrides = pgTable('setting_overrides', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
// — MCP —

/** Calls of external MCP tools that needed a human's approval, and the decisions (durable across restarts). */
export const mcpToolCalls = pgTable(
  'mcp_tool_calls',
  {
    id: text('id').primaryKey(),
    operationId: text('operation_id')
      .notNull()
      .references(() => operations.id),
    tool: text('tool').notNull(),
    server: text('server').notNull(),
    arguments: jsonb('arguments').$type<unknown>().notNull(),
    /** sha256 of the tool name and the canonical JSON of the arguments: an identical call reuses the decision. */
    argumentsKey: text('arguments_key').notNull(),
    /** waiting | approved | denied | timed_out */
    status: text('status').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    comment: text('comment'),
  },
  (table) => [index('mcp_tool_calls_key_index').on(table.operationId, table.argumentsKey)],
);
// — integrations —

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    deliveryId: text('delivery_id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    outcome: text('outcome'),
    checkpoint: jsonb('checkpoint').$type<Record<string, unknown> | null>(),
    signedDigest: text('signed_digest'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_source_delivery_index').on(table.source, table.deliveryId),
    uniqueIndex('webhook_deliveries_source_digest_index').on(table.source, table.signedDigest),
    index('webhook_deliveries_received_index').on(table.receivedAt),
  ],
);

export const slackUserLinks = pgTable('slack_user_links', {
  slackUserId: text('slack_user_id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const slackThreads = pgTable(
  'slack_threads',
  {
    operationId: text('operation_id')
      .primaryKey()
      .references(() => operations.id),
    channel: text('channel').notNull(),
    threadTs: text('thread_ts').notNull(),
    progressTs: text('progress_ts'),
    decisionTs: text('decision_ts'),
    requestedBy: text('requested_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('slack_threads_message_index').on(table.channel, table.threadTs)],
);

export const jiraIssueLinks = pgTable(
  'jira_issue_links',
  {
    operationId: text('operation_id')
      .primaryKey()
      .references(() => operations.id),
    issueKey: text('issue_key').notNull(),
    lastStatus: text('last_status'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('jira_issue_links_issue_index').on(table.issueKey)],
);

// — github —

export const githubRepositories = pgTable('github_repositories', {
  repoId: text('repo_id')
    .primaryKey()
    .references(() => repos.id),
  owner: text('owner').notNull(),
  name: text('name').notNull(),
  remoteUrl: text('remote_url').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const githubPullRequests = pgTable('github_pull_requests', {
  operationId: text('operation_id')
    .primaryKey()
    .references(() => operations.id),
  repoId: text('repo_id')
    .notNull()
    .references(() => repos.id),
  number: integer('number').notNull(),
  nodeId: text('node_id').notNull(),
  url: text('url').notNull(),
  branch: text('branch').notNull(),
  state: text('state').notNull(),
  draft: boolean('draft').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const githubIssueOperations = pgTable('github_issue_operations', {
  operationId: text('operation_id')
    .primaryKey()
    .references(() => operations.id),
  repoId: text('repo_id')
    .notNull()
    .references(() => repos.id),
  issueNumber: integer('issue_number').notNull(),
  /** The webhook delivery that started it: a retried delivery finds its operation instead of starting another. */
  deliveryId: text('delivery_id').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
// — detection —

export const detectProjects = pgTable('detect_projects', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  repoId: text('repo_id')
    .notNull()
    .references(() => repos.id),
  publicKey: text('public_key').notNull().unique(),
  /** Sent only by back ends: rules can require an issue to have been reported with it. */
  serverKey: text('server_key').notNull().unique(),
  rateLimitPerMinute: integer('rate_limit_per_minute'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const detectIssues = pgTable(
  'detect_issues',
  {
    id: text('id').primaryKey(),
    projectId: integer('project_id').notNull(),
    hash: text('hash').notNull(),
    title: text('title').notNull(),
    culprit: text('culprit').notNull().default(''),
    source: text('source').notNull(),
    level: text('level').notNull(),
    route: text('route'),
    severity: text('severity').notNull(),
    severityRule: text('severity_rule').notNull(),
    status: text('status').notNull(),
    statusReason: text('status_reason'),
    holdReason: text('hold_reason'),
    suppressedBy: text('suppressed_by'),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
    /** Of `count`, the events sent with the project's server-side key. */
    serverEvents: bigint('server_events', { mode: 'number' }).notNull().default(0),
    userSketch: text('user_sketch').notNull(),
    users: integer('users').notNull().default(0),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    releases: jsonb('releases').$type<string[]>().notNull().default([]),
    environments: jsonb('environments').$type<string[]>().notNull().default([]),
    resolvedRelease: text('resolved_release'),
    /** The operation whose deployed fix the issue outlived (status fix_failed), and that fix's release. */
    failedFixOperationId: text('failed_fix_operation_id'),
    failedFixRelease: text('failed_fix_release'),
    grouping: jsonb('grouping').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('detect_issues_hash_index').on(table.projectId, table.hash), index('detect_issues_last_seen_index').on(table.lastSeen)],
);

export const detectIssueCounts = pgTable(
  'detect_issue_counts',
  {
    issueId: text('issue_id').notNull(),
    minute: timestamp('minute', { withTimezone: true }).notNull(),
    n: integer('n').notNull(),
  },
  (table) => [primaryKey({ columns: [table.issueId, table.minute] })],
);

export const detectIssueSamples = pgTable(
  'detect_issue_samples',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueId: text('issue_id').notNull(),
    kind: text('kind').notNull(),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('detect_issue_samples_issue_index').on(table.issueId, table.id)],
);

/** Events per issue, release and environment ('' for none), for the canary judge; events without a release are not counted. */
export const detectReleaseCounts = pgTable(
  'detect_release_counts',
  {
    issueId: text('issue_id').notNull(),
    release: text('release').notNull(),
    environment: text('environment').notNull(),
    events: bigint('events', { mode: 'number' }).notNull(),
    userSketch: text('user_sketch').notNull(),
    users: integer('users').notNull(),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.issueId, table.release, table.environment] }),
    index('detect_release_counts_release_index').on(table.release, table.environment, table.lastSeen),
  ],
);

/** Inbox entries the digest could not group even alone: kept, listed and counted, out of the digest's way. */
export const detectQuarantine = pgTable(
  'detect_quarantine',
  {
    id: text('id').primaryKey(),
    projectId: integer('project_id').notNull(),
    source: text('source').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    events: integer('events').notNull(),
    payload: text('payload').notNull(),
    reason: text('reason').notNull(),
    quarantinedAt: timestamp('quarantined_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('detect_quarantine_time_index').on(table.quarantinedAt, table.id)],
);

/** Sign-in attempts per throttle key; see src/server/session-throttle.ts. */
export const signInAttempts = pgTable('sign_in_attempts', {
  key: text('key').primaryKey(),
  attempts: integer('attempts').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lockouts: integer('lockouts').notNull().default(0),
});

/** The autonomy levels the team ran at, one row per period; see src/store/autonomy-periods.ts. */
export const autonomyPeriods = pgTable('autonomy_periods', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  level: integer('level').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  setBy: text('set_by').notNull(),
  override: boolean('override').notNull().default(false),
  overrideRule: text('override_rule'),
  overrideReason: text('override_reason'),
});

export const deployments = pgTable('deployments', {
  id: text('id').primaryKey(),
  repoId: text('repo_id')
    .notNull()
    .references(() => repos.id),
  environment: text('environment').notNull(),
  commit: text('commit_sha').notNull(),
  previousCommit: text('previous_commit'),
  target: text('target').notNull(),
  operationId: text('operation_id'),
  status: text('status').notNull(),
  trafficPercent: integer('traffic_percent').notNull().default(0),
  step: integer('step').notNull().default(0),
  paused: boolean('paused').notNull().default(false),
  /** The settings this deployment runs by, fixed at its start (`pipeline/ship/deployment-plan.ts`). */
  plan: jsonb('plan').$type<Record<string, unknown>>().notNull(),
  approval: jsonb('approval').$type<Record<string, unknown> | null>(),
  /** The proxy's cumulative counters at the last judged interval, to take the next one's difference. */
  counters: jsonb('counters').$type<Record<string, unknown> | null>(),
  verdict: jsonb('verdict').$type<Record<string, unknown> | null>(),
  reason: text('reason'),
  outputTail: text('output_tail'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  canaryStartedAt: timestamp('canary_started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const deploymentIntervals = pgTable(
  'deployment_intervals',
  {
    deploymentId: text('deployment_id')
      .notNull()
      .references(() => deployments.id),
    seq: integer('seq').notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    elapsedMs: integer('elapsed_ms').notNull(),
    trafficPercent: integer('traffic_percent').notNull(),
    newRelease: jsonb('new_release').$type<Record<string, unknown>>().notNull(),
    stableRelease: jsonb('stable_release').$type<Record<string, unknown> | null>(),
    verdict: jsonb('verdict').$type<Record<string, unknown>>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.deploymentId, table.seq] })],
);

/** Self-update steps already recorded by a running version (`pipeline/self-update-outcomes.ts`). */
export const selfUpdateSteps = pgTable(
  'self_update_steps',
  {
    updateId: text('update_id').notNull(),
    type: text('type').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.updateId, table.type] })],
);
