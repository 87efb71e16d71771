import { z } from 'zod';

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

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInteger = z.coerce.number().int().positive();
const modelSpec = z.string().regex(/^(anthropic|openai|openai-compatible):.+$/, 'must be provider:model, e.g. anthropic:claude-sonnet-4-5, openai:gpt-5 or openai-compatible:qwen3-coder');

/**
 * The settings schema: the single source for validation, the README's configuration table and
 * `.env.example` (see scripts/generate-config-docs.ts).
 */
export const settingsSchema = {
  host: define({ key: 'host', env: ['MENDER_HOST'], schema: z.string().min(1), default: '127.0.0.1', description: 'Address the HTTP server listens on.' }),
  port: define({ key: 'port', env: ['MENDER_PORT', 'PORT'], schema: port, default: 7420, description: 'Port the HTTP server listens on (`PORT` is honoured too).' }),
  dataDir: define({ key: 'dataDir', env: ['MENDER_DATA_DIR'], schema: z.string().min(1), default: '.mender', description: 'Folder for the embedded database, worktrees and artifacts.' }),
  databaseUrl: define({ key: 'databaseUrl', env: ['DATABASE_URL'], schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(), default: undefined, description: 'Use this PostgreSQL server instead of the embedded database.', secret: true }),
  adminToken: define({ key: 'adminToken', env: ['MENDER_ADMIN_TOKEN'], schema: z.string().min(16, 'must be at least 16 characters').optional(), default: undefined, description: 'Bearer token for the API and CLI. When unset, one is generated into `<dataDir>/admin-token` on first start.', secret: true }),
  model: define({ key: 'model', env: ['MENDER_MODEL'], schema: modelSpec.optional(), default: undefined, description: 'Default model for every role, as provider:model (anthropic, openai or openai-compatible).' }),
  modelBaseUrl: define({ key: 'modelBaseUrl', env: ['MENDER_MODEL_BASE_URL'], schema: z.url().optional(), default: undefined, description: 'Endpoint for openai-compatible models (Ollama, vLLM, LM Studio), or a proxy for the others.' }),
  modelApiKey: define({ key: 'modelApiKey', env: ['MENDER_MODEL_API_KEY'], schema: z.string().optional(), default: undefined, description: 'API key for the model endpoint (else ANTHROPIC_API_KEY / OPENAI_API_KEY).', secret: true }),
  plannerModel: define({ key: 'plannerModel', env: ['MENDER_PLANNER_MODEL'], schema: modelSpec.optional(), default: undefined, description: 'Model for the planner role (defaults to MENDER_MODEL).' }),
  coderModel: define({ key: 'coderModel', env: ['MENDER_CODER_MODEL'], schema: modelSpec.optional(), default: undefined, description: 'Model for the coder role (defaults to MENDER_MODEL).' }),
  reviewerModel: define({ key: 'reviewerModel', env: ['MENDER_REVIEWER_MODEL'], schema: modelSpec.optional(), default: undefined, description: 'Model for the reviewer role (defaults to MENDER_MODEL).' }),
  modelTimeoutSeconds: define({ key: 'modelTimeoutSeconds', env: ['MENDER_MODEL_TIMEOUT_SECONDS'], schema: positiveInteger, default: 120, description: 'Time allowed for one model call before it is retried.' }),
  modelRetries: define({ key: 'modelRetries', env: ['MENDER_MODEL_RETRIES'], schema: z.coerce.number().int().min(0).max(10), default: 3, description: 'Retries (with exponential backoff) when the model endpoint fails or times out.' }),
  maxAttempts: define({ key: 'maxAttempts', env: ['MENDER_MAX_ATTEMPTS'], schema: positiveInteger, default: 5, description: 'Fix→verify attempts before an operation fails.' }),
  maxSteps: define({ key: 'maxSteps', env: ['MENDER_MAX_STEPS'], schema: positiveInteger, default: 40, description: 'Tool-loop steps allowed to one planner or coder turn.' }),
  commandTimeoutSeconds: define({ key: 'commandTimeoutSeconds', env: ['MENDER_COMMAND_TIMEOUT_SECONDS'], schema: positiveInteger, default: 300, description: 'Timeout for each test, typecheck, lint or build command.' }),
  commandOutputLimitBytes: define({ key: 'commandOutputLimitBytes', env: ['MENDER_COMMAND_OUTPUT_LIMIT_BYTES'], schema: positiveInteger, default: 1_000_000, description: 'Output kept from one command; the rest is dropped with a note.' }),
  toolOutputLimitChars: define({ key: 'toolOutputLimitChars', env: ['MENDER_TOOL_OUTPUT_LIMIT_CHARS'], schema: positiveInteger, default: 12_000, description: 'Longest tool result shown to the model; longer ones are cut to head and tail, the whole kept as an artifact.' }),
  planGate: define({ key: 'planGate', env: ['MENDER_PLAN_GATE'], schema: z.union([z.array(z.enum(['debug', 'fix', 'implement', 'refactor'])), z.string().transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))]), default: ['implement'], description: 'Operation types whose plan waits for a human (comma-separated).' }),
  planningConcurrency: define({ key: 'planningConcurrency', env: ['MENDER_PLANNING_CONCURRENCY'], schema: positiveInteger, default: 2, description: 'Operations planned at once.' }),
  executionConcurrency: define({ key: 'executionConcurrency', env: ['MENDER_EXECUTION_CONCURRENCY'], schema: positiveInteger, default: 1, description: 'Operations executed (worktree, coder, tests) at once.' }),
  repoMapTokens: define({ key: 'repoMapTokens', env: ['MENDER_REPO_MAP_TOKENS'], schema: positiveInteger, default: 4_000, description: 'Token budget of the repository map given to the planner.' }),
  logLevel: define({ key: 'logLevel', env: ['MENDER_LOG_LEVEL'], schema: z.enum(['debug', 'info', 'warn', 'error']), default: 'info', description: 'Least severe log level printed.' }),
  configFile: define({ key: 'configFile', env: ['MENDER_CONFIG'], schema: z.string().optional(), default: undefined, description: 'JSON config file (default `mender.config.json` in the working folder, when present); environment variables win over it.' }),
} as const;

export type SettingsSchema = typeof settingsSchema;
export type Settings = { -readonly [Key in keyof SettingsSchema]: z.output<SettingsSchema[Key]['schema']> };
