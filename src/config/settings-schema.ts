import { z } from 'zod';
import { isTimeZone } from '../policy/local-time.ts';
import { listInWords, modelProviders } from './model-providers.ts';

/** One setting: how it is named, typed, defaulted, documented and read from the environment. */
export interface SettingDefinition<Schema extends z.ZodType = z.ZodType> {
  key: string;
  env: readonly string[];
  schema: Schema;
  default: z.output<Schema> | undefined;
  description: string;
  secret?: boolean;
}

function define<Schema extends z.ZodType>(definition: SettingDefinition<Schema>): SettingDefinition<Schema> {
  return definition;
}

const booleanText = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');
const gatedType = z.enum(['debug', 'fix', 'implement', 'refactor'], { error: 'lists operation types: debug, fix, implement, refactor (comma-separated)' });
const portMessage = 'must be a port number from 0 to 65535';
const port = z.coerce.number({ error: portMessage }).int(portMessage).min(0, portMessage).max(65_535, portMessage);
const positiveInteger = z.coerce.number().int().positive();
// Derived from the provider table, so a provider added there is accepted here with no second list.
const escapeForPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const modelSpecPattern = new RegExp(`^(${modelProviders.map((provider) => escapeForPattern(provider.id)).join('|')}):.+$`);
const modelSpec = z
  .string()
  .regex(modelSpecPattern, `must be provider:model, e.g. ${listInWords(modelProviders.map((provider) => `${provider.id}:${provider.exampleModel}`))}`);
const providerApiKeyVariables = modelProviders.flatMap((provider) => ('apiKey' in provider ? [provider.apiKey.env] : []));
/** A list, as an array (config file) or comma-separated text (environment). */
function commaSeparated<Item extends z.ZodType<unknown, string>>(item: Item) {
  return z.union([
    z.array(item),
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(item)),
  ]);
}
const stringList = commaSeparated(z.string());
/** A name → repository map, as an object (config file) or `KEY=repo,OTHER=repo` (environment). */
const repoMap = z.union([
  z.record(z.string(), z.string().min(1)),
  z.string().transform((value, context) => {
    const map: Record<string, string> = {};
    for (const pair of value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [name, repo, ...rest] = pair.split('=').map((part) => part.trim());
      if (!name || !repo || rest.length) {
        context.addIssue({ code: 'custom', message: `must be NAME=repo pairs separated by commas, e.g. SHOP=shop,API=api (got "${pair}")` });
        return z.NEVER;
      }
      map[name] = repo;
    }
    return map;
  }),
]);

/** A setting given as JSON text in the environment, or as the value itself in the config file. */
function jsonSetting<Schema extends z.ZodType>(schema: Schema, shape: string) {
  return z.union([
    schema,
    z
      .string()
      .transform((value, context) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: `must be JSON: ${shape}` });
          return z.NEVER;
        }
      })
      .pipe(schema),
  ]);
}

/**
 * The settings schema: the single source for validation, the README's configuration table and
 * `.env.example` (see scripts/generate-config-docs.ts).
 */
export const settingsSchema = {
  host: define({ key: 'host', env: ['MENDER_HOST'], schema: z.string().min(1), default: '127.0.0.1', description: 'Address the HTTP server listens on.' }),
  port: define({
    key: 'port',
    env: ['MENDER_PORT', 'PORT'],
    schema: port,
    default: 7420,
    description: 'Port the HTTP server listens on (`PORT` is honoured too).',
  }),
  publicUrl: define({
    key: 'publicUrl',
    env: ['MENDER_PUBLIC_URL'],
    schema: z.url().optional(),
    default: undefined,
    description:
      'Base URL people and services reach Mender at, e.g. https://mender.example.com: its host is accepted in the Host header, and with https the session cookie is Secure.',
  }),
  allowedHosts: define({
    key: 'allowedHosts',
    env: ['MENDER_ALLOWED_HOSTS'],
    schema: stringList.optional(),
    default: undefined,
    description:
      "Host names requests may name in their Host header besides loopback names, the listen address and the public URL's host (comma-separated); others get 421. Unset while listening beyond loopback without MENDER_PUBLIC_URL: any host (warned at start).",
  }),
  requestTimeoutSeconds: define({
    key: 'requestTimeoutSeconds',
    env: ['MENDER_REQUEST_TIMEOUT_SECONDS'],
    schema: z.coerce.number().positive().max(3600),
    default: 60,
    description: 'Time a client has to send a whole request (headers within the lesser of this and 30 s); slower ones get 408 and are disconnected.',
  }),
  dataDir: define({
    key: 'dataDir',
    env: ['MENDER_DATA_DIR'],
    schema: z.string().min(1),
    default: '.mender',
    description: 'Folder for the embedded database, worktrees and artifacts.',
  }),
  databaseUrl: define({
    key: 'databaseUrl',
    env: ['DATABASE_URL'],
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    default: undefined,
    description: 'Use this PostgreSQL server instead of the embedded database.',
    secret: true,
  }),
  adminToken: define({
    key: 'adminToken',
    env: ['MENDER_ADMIN_TOKEN'],
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    default: undefined,
    description: 'Bearer token for the API and CLI. When unset, one is generated into `<dataDir>/admin-token` on first start.',
    secret: true,
  }),
  model: define({
    key: 'model',
    env: ['MENDER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: `Default model for every role, as provider:model (${listInWords(modelProviders.map((provider) => provider.id))}).`,
  }),
  modelBaseUrl: define({
    key: 'modelBaseUrl',
    env: ['MENDER_MODEL_BASE_URL'],
    schema: z.url().optional(),
    default: undefined,
    description: 'Endpoint for openai-compatible models (Ollama, vLLM, LM Studio), or a proxy for the others.',
  }),
  modelApiKey: define({
    key: 'modelApiKey',
    env: ['MENDER_MODEL_API_KEY'],
    schema: z.string().optional(),
    default: undefined,
    description: `API key for the model endpoint (else ${providerApiKeyVariables.join(' / ')}).`,
    secret: true,
  }),
  // Each provider's own key (see model-providers.ts), used when MENDER_MODEL_API_KEY is unset.
  anthropicApiKey: define({
    key: 'anthropicApiKey',
    env: ['ANTHROPIC_API_KEY'],
    schema: z.string().optional(),
    default: undefined,
    description: 'API key for anthropic models when MENDER_MODEL_API_KEY is unset.',
    secret: true,
  }),
  openaiApiKey: define({
    key: 'openaiApiKey',
    env: ['OPENAI_API_KEY'],
    schema: z.string().optional(),
    default: undefined,
    description: 'API key for openai models when MENDER_MODEL_API_KEY is unset.',
    secret: true,
  }),
  plannerModel: define({
    key: 'plannerModel',
    env: ['MENDER_PLANNER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: 'Model for the planner role (defaults to MENDER_MODEL).',
  }),
  coderModel: define({
    key: 'coderModel',
    env: ['MENDER_CODER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: 'Model for the coder role (defaults to MENDER_MODEL).',
  }),
  reviewerModel: define({
    key: 'reviewerModel',
    env: ['MENDER_REVIEWER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: 'Model for the reviewer role (defaults to MENDER_MODEL).',
  }),
  modelTimeoutSeconds: define({
    key: 'modelTimeoutSeconds',
    env: ['MENDER_MODEL_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 120,
    description: 'Time allowed for one model call before it is retried.',
  }),
  modelRetries: define({
    key: 'modelRetries',
    env: ['MENDER_MODEL_RETRIES'],
    schema: z.coerce.number().int().min(0).max(10),
    default: 3,
    description: 'Retries (with exponential backoff) when the model endpoint fails or times out.',
  }),
  maxAttempts: define({
    key: 'maxAttempts',
    env: ['MENDER_MAX_ATTEMPTS'],
    schema: positiveInteger,
    default: 5,
    description: 'Fix→verify attempts before an operation fails.',
  }),
  maxSteps: define({
    key: 'maxSteps',
    env: ['MENDER_MAX_STEPS'],
    schema: positiveInteger,
    default: 40,
    description: 'Tool-loop steps allowed to one planner or coder turn.',
  }),
  commandTimeoutSeconds: define({
    key: 'commandTimeoutSeconds',
    env: ['MENDER_COMMAND_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 300,
    description: 'Timeout for each test, typecheck, lint or build command.',
  }),
  commandOutputLimitBytes: define({
    key: 'commandOutputLimitBytes',
    env: ['MENDER_COMMAND_OUTPUT_LIMIT_BYTES'],
    schema: positiveInteger,
    default: 1_000_000,
    description: 'Output kept from one command; the rest is dropped with a note.',
  }),
  toolOutputLimitChars: define({
    key: 'toolOutputLimitChars',
    env: ['MENDER_TOOL_OUTPUT_LIMIT_CHARS'],
    schema: positiveInteger,
    default: 12_000,
    description: 'Longest tool result shown to the model; longer ones are cut to head and tail, the whole kept as an artifact.',
  }),
  planGate: define({
    key: 'planGate',
    env: ['MENDER_PLAN_GATE'],
    schema: commaSeparated(gatedType),
    default: ['implement'],
    description: 'Operation types whose plan waits for a human (comma-separated).',
  }),
  planningConcurrency: define({
    key: 'planningConcurrency',
    env: ['MENDER_PLANNING_CONCURRENCY'],
    schema: positiveInteger,
    default: 2,
    description: 'Operations planned at once.',
  }),
  executionConcurrency: define({
    key: 'executionConcurrency',
    env: ['MENDER_EXECUTION_CONCURRENCY'],
    schema: positiveInteger,
    default: 1,
    description: 'Operations executed (worktree, coder, tests) at once.',
  }),
  repoMapTokens: define({
    key: 'repoMapTokens',
    env: ['MENDER_REPO_MAP_TOKENS'],
    schema: positiveInteger,
    default: 4_000,
    description: 'Token budget of the repository map given to the planner.',
  }),
  denyPatterns: define({
    key: 'denyPatterns',
    env: ['MENDER_DENY_PATTERNS'],
    schema: stringList.optional(),
    default: undefined,
    description:
      'Extra globs the agent can neither read nor write (comma-separated), on top of the built-in list (.env*, *.pem, *.key, id_rsa*, credentials.*, secrets.*, .npmrc, .pypirc, .netrc, .git/).',
  }),
  maxReadBytes: define({
    key: 'maxReadBytes',
    env: ['MENDER_MAX_READ_BYTES'],
    schema: positiveInteger,
    default: 1_048_576,
    description: 'Largest file the agent may read whole.',
  }),
  maxWriteBytes: define({
    key: 'maxWriteBytes',
    env: ['MENDER_MAX_WRITE_BYTES'],
    schema: positiveInteger,
    default: 512_000,
    description: 'Largest file the agent may write.',
  }),
  fileOperationsPerMinute: define({
    key: 'fileOperationsPerMinute',
    env: ['MENDER_FILE_OPERATIONS_PER_MINUTE'],
    schema: positiveInteger,
    default: 100,
    description: 'File operations one operation may make per minute.',
  }),
  sandbox: define({
    key: 'sandbox',
    env: ['MENDER_SANDBOX'],
    schema: z.enum(['bubblewrap', 'off']),
    default: 'bubblewrap',
    description:
      'How test, typecheck, lint and build commands run: `bubblewrap` (read-only system, no network, private /tmp) or `off` (no isolation; warned on every run). With bubblewrap missing and no `off`, commands are refused.',
  }),
  baselineCompareUnsandboxed: define({
    key: 'baselineCompareUnsandboxed',
    env: ['MENDER_BASELINE_COMPARE_UNSANDBOXED'],
    schema: booleanText,
    default: false,
    description:
      "When the unchanged tree's suite fails inside the sandbox, run it once more without isolation to tell whether the sandbox or the repository is at fault. Off by default: that run has the network and the whole file system.",
  }),
  autonomyLevel: define({
    key: 'autonomyLevel',
    env: ['MENDER_AUTONOMY_LEVEL'],
    schema: z.coerce.number().int().min(1).max(3),
    default: 1,
    description:
      'Autonomy: 1 propose only (every gate needs a human), 2 low-risk changes pass the change gate by themselves, 3 full autonomy within the safety policy.',
  }),
  policyFile: define({
    key: 'policyFile',
    env: ['MENDER_POLICY_FILE'],
    schema: z.string().min(1).optional(),
    default: undefined,
    description:
      'Policy file (YAML) whose rules decide every gate; unset uses the built-in one (src/policy/default-policy.yaml, `mender policy show`). A file with an error stops Mender at start, naming the line.',
  }),
  timeZone: define({
    key: 'timeZone',
    env: ['MENDER_TIME_ZONE'],
    schema: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as UTC, Europe/London or America/New_York' }),
    default: 'UTC',
    description: 'Time zone of the policy\'s business hours, weekdays and "today" (deployments per day).',
  }),
  twoPersonRule: define({
    key: 'twoPersonRule',
    env: ['MENDER_TWO_PERSON_RULE'],
    schema: booleanText,
    default: true,
    description: 'At team-lead level and above, the person who asked for a change cannot approve it. Set false for a team of one.',
  }),
  protectedPaths: define({
    key: 'protectedPaths',
    env: ['MENDER_PROTECTED_PATHS'],
    schema: stringList.optional(),
    default: undefined,
    description:
      'Globs whose change needs an admin (comma-separated); unset uses the defaults (migrations, auth, billing, payment webhooks, CI workflows, deploy config, package manifests, Mender config).',
  }),
  protectedPathAction: define({
    key: 'protectedPathAction',
    env: ['MENDER_PROTECTED_PATH_ACTION'],
    schema: z.enum(['require-admin', 'refuse']),
    default: 'require-admin',
    description: 'What a change to a protected path does: raise the approval level to admin, or refuse the write.',
  }),
  maxTokensPerOperation: define({
    key: 'maxTokensPerOperation',
    env: ['MENDER_MAX_TOKENS_PER_OPERATION'],
    schema: positiveInteger,
    default: 2_000_000,
    description: 'Model tokens (input + output) one operation may use before it stops.',
  }),
  maxCostPerOperation: define({
    key: 'maxCostPerOperation',
    env: ['MENDER_MAX_COST_PER_OPERATION'],
    schema: z.coerce.number().positive(),
    default: 10,
    description: 'Model cost in US dollars one operation may use before it stops (from the price table).',
  }),
  modelPrices: define({
    key: 'modelPrices',
    env: ['MENDER_MODEL_PRICES'],
    schema: z
      .union([
        z.record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) })),
        z.string().transform((value, context) => {
          try {
            return JSON.parse(value) as Record<string, { input: number; output: number }>;
          } catch {
            context.addIssue({ code: 'custom', message: 'must be JSON: {"provider:model": {"input": dollars per million tokens, "output": …}}' });
            return z.NEVER;
          }
        }),
      ])
      .optional(),
    default: undefined,
    description: 'Price table in US dollars per million tokens, as JSON {"provider:model": {"input": 3, "output": 15}}; models not listed cost 0.',
  }),
  maxOperationsPerHour: define({
    key: 'maxOperationsPerHour',
    env: ['MENDER_MAX_OPERATIONS_PER_HOUR'],
    schema: positiveInteger,
    default: 30,
    description: 'Operations that may start per hour.',
  }),
  maxOperationsPerDay: define({
    key: 'maxOperationsPerDay',
    env: ['MENDER_MAX_OPERATIONS_PER_DAY'],
    schema: positiveInteger,
    default: 200,
    description: 'Operations that may start per day.',
  }),
  maxDetectorOperationsPerHour: define({
    key: 'maxDetectorOperationsPerHour',
    env: ['MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR'],
    schema: positiveInteger,
    default: 10,
    description:
      "Operations that detected issues may start per hour; counted apart from people's (MENDER_MAX_OPERATIONS_PER_HOUR), so events sent with a project's public key cannot use up people's budget.",
  }),
  maxDetectorOperationsPerDay: define({
    key: 'maxDetectorOperationsPerDay',
    env: ['MENDER_MAX_DETECTOR_OPERATIONS_PER_DAY'],
    schema: positiveInteger,
    default: 50,
    description: "Operations that detected issues may start per day; counted apart from people's (MENDER_MAX_OPERATIONS_PER_DAY).",
  }),
  maxDetectorCostPerOperation: define({
    key: 'maxDetectorCostPerOperation',
    env: ['MENDER_MAX_DETECTOR_COST_PER_OPERATION'],
    schema: z.coerce.number().positive(),
    default: 2,
    description: 'Model cost in US dollars one operation started by a detected issue may use before it stops (instead of MENDER_MAX_COST_PER_OPERATION).',
  }),
  // — dashboard —
  sessionTtlMinutes: define({
    key: 'sessionTtlMinutes',
    env: ['MENDER_SESSION_TTL_MINUTES'],
    schema: positiveInteger,
    default: 720,
    description: 'How long a dashboard sign-in lasts, in minutes; after it the browser must sign in again.',
  }),
  // — MCP and skills —
  mcpConfig: define({
    key: 'mcpConfig',
    env: ['MENDER_MCP_CONFIG'],
    schema: z.string().min(1).optional(),
    default: undefined,
    description:
      'External MCP servers for the agent, as a `.mcp.json` in the Claude Code format ({"mcpServers": {"name": {"command","args","env"} | {"url","headers"}}}). Default: `.mcp.json` in the working folder, when present. `${NAME}` in it reads Mender\'s environment.',
  }),
  mcpTrustRepoConfig: define({
    key: 'mcpTrustRepoConfig',
    env: ['MENDER_MCP_TRUST_REPO_CONFIG'],
    schema: booleanText,
    default: false,
    description:
      "Also start the MCP servers a target repository's own `.mcp.json` lists. Off by default: it lets repository content run programs on Mender's machine.",
  }),
  mcpAllowTools: define({
    key: 'mcpAllowTools',
    env: ['MENDER_MCP_ALLOW_TOOLS'],
    schema: stringList.default([]),
    default: [],
    description:
      'External MCP tools (`<server>__<tool>` globs, comma-separated) that run without approval and are offered to the planner, besides those marked read-only.',
  }),
  mcpDenyTools: define({
    key: 'mcpDenyTools',
    env: ['MENDER_MCP_DENY_TOOLS'],
    schema: stringList.default([]),
    default: [],
    description:
      "External MCP tools (`<server>__<tool>` globs, comma-separated) never offered to the agent. Other tools that may change things wait for a team lead's approval.",
  }),
  mcpApprovalTimeoutSeconds: define({
    key: 'mcpApprovalTimeoutSeconds',
    env: ['MENDER_MCP_APPROVAL_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 900,
    description: 'How long an external MCP tool call waits for approval before the model gets an error result.',
  }),
  mcpCallTimeoutSeconds: define({
    key: 'mcpCallTimeoutSeconds',
    env: ['MENDER_MCP_CALL_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 120,
    description: 'Timeout for one call of an external MCP tool.',
  }),
  skillsDirs: define({
    key: 'skillsDirs',
    env: ['MENDER_SKILLS_DIRS'],
    schema: stringList.default([]),
    default: [],
    description:
      "Extra folders of skills (`<name>/SKILL.md`), comma-separated, besides Mender's own `skills/` and the target repository's `.mender/skills/` and `.claude/skills/`.",
  }),
  // — integrations —
  slackBotToken: define({
    key: 'slackBotToken',
    env: ['MENDER_SLACK_BOT_TOKEN'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Slack bot token (xoxb-…) Mender posts and edits messages with.',
    secret: true,
  }),
  slackSigningSecret: define({
    key: 'slackSigningSecret',
    env: ['MENDER_SLACK_SIGNING_SECRET'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Slack signing secret: requests to /webhooks/slack/* are verified with it (unset: the Slack routes answer 503).',
    secret: true,
  }),
  slackApiUrl: define({
    key: 'slackApiUrl',
    env: ['MENDER_SLACK_API_URL'],
    schema: z.url(),
    default: 'https://slack.com/api/',
    description: 'Base URL of the Slack Web API (a proxy, or a fake in tests).',
  }),
  slackNotifyChannel: define({
    key: 'slackNotifyChannel',
    env: ['MENDER_SLACK_NOTIFY_CHANNEL'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Slack channel id that gets plan ready, approval requested, merged, failed and paused notices (unset: none).',
  }),
  slackDefaultRepo: define({
    key: 'slackDefaultRepo',
    env: ['MENDER_SLACK_DEFAULT_REPO'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Repository Slack commands work on when they name none with `repo:<name>` (unset: the only registered one).',
  }),
  jiraBaseUrl: define({
    key: 'jiraBaseUrl',
    env: ['MENDER_JIRA_BASE_URL'],
    schema: z.url().optional(),
    default: undefined,
    description: 'Jira site Mender comments on and transitions issues in, e.g. https://acme.atlassian.net.',
  }),
  jiraEmail: define({
    key: 'jiraEmail',
    env: ['MENDER_JIRA_EMAIL'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Jira account email for the REST API (basic auth with the API token).',
  }),
  jiraApiToken: define({
    key: 'jiraApiToken',
    env: ['MENDER_JIRA_API_TOKEN'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Jira API token for the REST API.',
    secret: true,
  }),
  jiraWebhookSecret: define({
    key: 'jiraWebhookSecret',
    env: ['MENDER_JIRA_WEBHOOK_SECRET'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Secret of the Jira webhook: requests to /webhooks/jira must carry X-Hub-Signature: sha256=<HMAC of the body> (unset: the route answers 503).',
    secret: true,
  }),
  jiraLabel: define({
    key: 'jiraLabel',
    env: ['MENDER_JIRA_LABEL'],
    schema: z.string().min(1),
    default: 'AI-Fix',
    description: 'Jira label that makes an issue start a fix.',
  }),
  jiraProjectRepos: define({
    key: 'jiraProjectRepos',
    env: ['MENDER_JIRA_PROJECT_REPOS'],
    schema: repoMap.optional(),
    default: undefined,
    description: 'Jira project key → repository, as KEY=repo pairs (comma-separated); projects not listed are ignored.',
  }),
  jiraTransitionStarted: define({
    key: 'jiraTransitionStarted',
    env: ['MENDER_JIRA_TRANSITION_STARTED'],
    schema: z.string().min(1),
    default: 'In Progress',
    description: 'Jira transition applied when Mender starts on an issue.',
  }),
  jiraTransitionReview: define({
    key: 'jiraTransitionReview',
    env: ['MENDER_JIRA_TRANSITION_REVIEW'],
    schema: z.string().min(1),
    default: 'In Review',
    description: 'Jira transition applied when the change waits for approval.',
  }),
  jiraTransitionDone: define({
    key: 'jiraTransitionDone',
    env: ['MENDER_JIRA_TRANSITION_DONE'],
    schema: z.string().min(1),
    default: 'Done',
    description: 'Jira transition applied when the change is merged.',
  }),
  sentryClientSecret: define({
    key: 'sentryClientSecret',
    env: ['MENDER_SENTRY_CLIENT_SECRET'],
    schema: z.string().optional(),
    default: undefined,
    description: 'Client secret of the Sentry integration: Sentry-Hook-Signature is verified with it (unset: /webhooks/sentry answers 503).',
    secret: true,
  }),
  sentryProjectRepos: define({
    key: 'sentryProjectRepos',
    env: ['MENDER_SENTRY_PROJECT_REPOS'],
    schema: repoMap.optional(),
    default: undefined,
    description: 'Sentry project slug → repository, as slug=repo pairs (comma-separated); projects not listed are ignored.',
  }),
  webhookBodyLimitBytes: define({
    key: 'webhookBodyLimitBytes',
    env: ['MENDER_WEBHOOK_BODY_LIMIT_BYTES'],
    schema: positiveInteger,
    default: 1_048_576,
    description: 'Largest webhook body accepted (413 above it, before reading the rest).',
  }),
  // — github —
  githubAppId: define({
    key: 'githubAppId',
    env: ['MENDER_GITHUB_APP_ID'],
    schema: z.coerce.number().int().positive().optional(),
    default: undefined,
    description: 'GitHub App id (preferred over a token): with the private key and installation id, Mender acts through short-lived installation tokens.',
  }),
  githubPrivateKey: define({
    key: 'githubPrivateKey',
    env: ['MENDER_GITHUB_PRIVATE_KEY'],
    schema: z
      .string()
      .includes('PRIVATE KEY', { message: 'must be the GitHub App private key in PEM form (-----BEGIN RSA PRIVATE KEY----- …); \\n escapes are accepted' })
      .transform((value) => value.replace(/\\n/g, '\n'))
      .optional(),
    default: undefined,
    description: 'The GitHub App private key (PEM; `\\n` escapes accepted).',
    secret: true,
  }),
  githubInstallationId: define({
    key: 'githubInstallationId',
    env: ['MENDER_GITHUB_INSTALLATION_ID'],
    schema: z.coerce.number().int().positive().optional(),
    default: undefined,
    description: 'Installation id of the GitHub App on the organisation or account that owns the repositories.',
  }),
  githubToken: define({
    key: 'githubToken',
    env: ['MENDER_GITHUB_TOKEN'],
    schema: z.string().min(6).optional(),
    default: undefined,
    description: 'GitHub token (fine-grained or classic) when no App is configured: contents, pull requests and issues read/write.',
    secret: true,
  }),
  githubApiUrl: define({
    key: 'githubApiUrl',
    env: ['MENDER_GITHUB_API_URL'],
    schema: z.url().transform((value) => value.replace(/\/+$/, '')),
    default: 'https://api.github.com',
    description: 'GitHub REST API base URL (GitHub Enterprise Server: https://HOST/api/v3).',
  }),
  githubWebhookSecret: define({
    key: 'githubWebhookSecret',
    env: ['MENDER_GITHUB_WEBHOOK_SECRET'],
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    default: undefined,
    description: 'Secret of the GitHub webhook; POST /webhooks/github refuses every delivery until it is set.',
    secret: true,
  }),
  githubTriggerLabel: define({
    key: 'githubTriggerLabel',
    env: ['MENDER_GITHUB_TRIGGER_LABEL'],
    schema: z.string().min(1),
    default: 'ai-fix',
    description: 'Issue label that starts a fix operation.',
  }),
  githubMergeMethod: define({
    key: 'githubMergeMethod',
    env: ['MENDER_GITHUB_MERGE_METHOD'],
    schema: z.enum(['squash', 'rebase', 'merge']),
    default: 'squash',
    description: 'How an approved pull request is merged through the GitHub API: squash, rebase or merge.',
  }),
  githubRemoteMap: define({
    key: 'githubRemoteMap',
    env: ['MENDER_GITHUB_REMOTE_MAP'],
    schema: z
      .union([
        z.record(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'keys are owner/name'), z.string().min(1)),
        z.string().transform((value, context) => {
          try {
            return z.record(z.string(), z.string()).parse(JSON.parse(value));
          } catch {
            context.addIssue({ code: 'custom', message: 'must be JSON: {"owner/name": "git URL or path to fetch and push instead"}' });
            return z.NEVER;
          }
        }),
      ])
      .optional(),
    default: undefined,
    description:
      "Git URL or path to fetch from and push to instead of the GitHub remote, per owner/name, as JSON (mirrors; tests use local bare repositories). The API is still GitHub's.",
  }),
  // — detection —
  detectMaxEnvelopeBytes: define({
    key: 'detectMaxEnvelopeBytes',
    env: ['MENDER_DETECT_MAX_ENVELOPE_BYTES'],
    schema: positiveInteger,
    default: 10_485_760,
    description: 'Largest Sentry envelope (after decompression) the ingest endpoints accept; one event item may be at most 1 MiB.',
  }),
  detectRateLimitPerMinute: define({
    key: 'detectRateLimitPerMinute',
    env: ['MENDER_DETECT_RATE_LIMIT_PER_MINUTE'],
    schema: positiveInteger,
    default: 60_000,
    description: 'Events one project may send per minute (a project can set its own); over it, 429 with Retry-After and X-Sentry-Rate-Limits.',
  }),
  detectSeverityRules: define({
    key: 'detectSeverityRules',
    env: ['MENDER_DETECT_SEVERITY_RULES'],
    schema: z.string().optional(),
    default: undefined,
    description: 'JSON file of severity rules replacing the defaults (src/detect/default-severity-rules.json has the shape); first match wins.',
  }),
  detectCriticalRoutes: define({
    key: 'detectCriticalRoutes',
    env: ['MENDER_DETECT_CRITICAL_ROUTES'],
    schema: stringList,
    default: [],
    description: 'Route patterns whose error spikes are P0 (comma-separated; `*` within a segment, `**` across), e.g. /checkout/**,/api/payments/*.',
  }),
  detectHealthChecks: define({
    key: 'detectHealthChecks',
    env: ['MENDER_DETECT_HEALTH_CHECKS'],
    schema: jsonSetting(
      z.array(
        z
          .object({
            url: z.url(),
            project: z.string().min(1),
            intervalSeconds: z.number().positive().default(30),
            timeoutMs: z.number().int().positive().default(5000),
            expectedStatus: z.number().int().min(100).max(599).default(200),
          })
          .strict(),
      ),
      'a JSON list: [{"url": "http://app/health", "project": "shop", "intervalSeconds": 30, "timeoutMs": 5000, "expectedStatus": 200}]',
    ),
    default: [],
    description:
      'URLs polled by health checks, as JSON [{url, project, intervalSeconds?, timeoutMs?, expectedStatus?}]; a failure is an event (P0 by the default rules).',
  }),
  detectLogFiles: define({
    key: 'detectLogFiles',
    env: ['MENDER_DETECT_LOG_FILES'],
    schema: jsonSetting(
      z.array(z.object({ path: z.string().min(1), project: z.string().min(1) }).strict()),
      'a JSON list: [{"path": "/var/log/app.log", "project": "shop"}]',
    ),
    default: [],
    description: 'Log files to follow, as JSON [{path, project}]; error lines become events. Rotation and truncation are followed.',
  }),
  detectPublicUrl: define({
    key: 'detectPublicUrl',
    env: ['MENDER_DETECT_PUBLIC_URL'],
    schema: z.url().optional(),
    default: undefined,
    description: 'Base URL applications reach Mender at, used in DSNs (default: the address the request came to).',
  }),
  detectDigestBatchSize: define({
    key: 'detectDigestBatchSize',
    env: ['MENDER_DETECT_DIGEST_BATCH_SIZE'],
    schema: positiveInteger,
    default: 1000,
    description: 'Accepted requests (each with its events) grouped per digest transaction.',
  }),
  detectP2DelaySeconds: define({
    key: 'detectP2DelaySeconds',
    env: ['MENDER_DETECT_P2_DELAY_SECONDS'],
    schema: z.coerce.number().int().min(0),
    default: 3600,
    description: 'Wait before a fix starts for a P2 issue (P0/P1 start at once).',
  }),
  detectP3DelaySeconds: define({
    key: 'detectP3DelaySeconds',
    env: ['MENDER_DETECT_P3_DELAY_SECONDS'],
    schema: z.coerce.number().int().min(0),
    default: 86_400,
    description: 'Wait before a fix starts for a P3 issue (P4 is only logged for review).',
  }),
  detectRetryCooldownSeconds: define({
    key: 'detectRetryCooldownSeconds',
    env: ['MENDER_DETECT_RETRY_COOLDOWN_SECONDS'],
    schema: z.coerce.number().int().min(0),
    default: 900,
    description:
      'After a fix operation for an issue fails, the next one starts no sooner than this (and only if the error goes on); after 3 failures the issue waits for a human.',
  }),
  logLevel: define({
    key: 'logLevel',
    env: ['MENDER_LOG_LEVEL'],
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    default: 'info',
    description: 'Least severe log level printed.',
  }),
  configFile: define({
    key: 'configFile',
    env: ['MENDER_CONFIG'],
    schema: z.string().optional(),
    default: undefined,
    description: 'JSON config file (default `mender.config.json` in the working folder, when present); environment variables win over it.',
  }),
} as const;

export type SettingsSchema = typeof settingsSchema;
export type Settings = { -readonly [Key in keyof SettingsSchema]: z.output<SettingsSchema[Key]['schema']> };
