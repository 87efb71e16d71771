import { z } from 'zod';
import { define, booleanText, gatedType, positiveInteger, commaSeparated, stringList } from '../setting-definition.ts';

/** How the agent works an operation: attempts, steps, commands, the workspace and its sandbox. */
export const agentSettings = {
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
} as const;
