import { z } from 'zod';
import { commandTargetSettingsSchema } from './command/command-target-settings.ts';

// A repository's deploy settings: where a merged change goes, in which order, how each release is
// started and checked, and how long and how strictly each environment watches it. Stored on the
// repository's row (`PATCH /api/repos/:name`, `mender repo deploy`) or given in the config file.
// Absent: the repository does not deploy and a merged change is done at the merge.

const environmentName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'an environment name is lower-case letters, digits and -, starting with a letter');

const judgeOverridesSchema = z
  .object({
    minNewRequests: z.number().int().min(1).optional(),
    healthFailuresToRollBack: z.number().int().min(1).max(100).optional(),
    newFingerprintEvents: z.number().int().min(1).optional(),
    newFingerprintUsers: z.number().int().min(1).optional(),
    errorRate: z
      .object({
        relativeMargin: z.number().min(0).max(10).optional(),
        alpha: z.number().gt(0).lt(1).optional(),
        absoluteFloor: z.number().min(0).max(1).optional(),
        minNewErrors: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    latency: z
      .object({
        percentile: z.number().gt(0).lt(1).optional(),
        ratio: z.number().gt(1).max(100).optional(),
        minSamples: z.number().int().min(1).optional(),
        consecutiveIntervals: z.number().int().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type JudgeOverrides = z.infer<typeof judgeOverridesSchema>;

const environmentSchema = z
  .object({
    name: environmentName,
    /** `local`: Mender runs the app behind its own proxy; `command`: the team's scripts. */
    target: z.enum(['local', 'command']).default('local'),
    /** The local target's public port (the proxy listens there); 0: any free port. */
    publicPort: z.number().int().min(0).max(65_535).default(0),
    /** How long a new release is watched in this environment before it is promoted. */
    watchMinutes: z
      .number()
      .gt(0)
      .max(24 * 60),
    /** Shares of traffic the new release gets, in order, spread evenly over the watch; the last is usually 100. */
    trafficSteps: z
      .array(z.number().int().min(1).max(100))
      .min(1)
      .refine((steps) => steps.every((step, index) => index === 0 || step > steps[index - 1]!), 'traffic steps rise, e.g. [10, 50, 100]')
      .default([10, 50, 100]),
    /** The command target's scripts, required when target is `command`. */
    command: commandTargetSettingsSchema.optional(),
  })
  .strict()
  .superRefine((environment, context) => {
    if (environment.target === 'command' && !environment.command) {
      context.addIssue({ code: 'custom', path: ['command'], message: 'a command target needs its scripts: deploy, status and rollback' });
    }
  });

export const deploySettingsSchema = z
  .object({
    /** In order: a release passes each before the next; default staging (10 min) then production (30 min). */
    environments: z
      .array(environmentSchema)
      .min(1)
      .max(10)
      .refine((list) => new Set(list.map((environment) => environment.name)).size === list.length, 'environment names must differ')
      .default([
        { name: 'staging', target: 'local', publicPort: 0, watchMinutes: 10, trafficSteps: [10, 50, 100] },
        { name: 'production', target: 'local', publicPort: 0, watchMinutes: 30, trafficSteps: [10, 50, 100] },
      ]),
    /** How the local target starts a release; it must listen on $PORT. */
    startCommand: z.string().trim().min(1).default('npm start'),
    /** Answers 2xx when the release is up; checked before traffic and every interval. */
    healthPath: z
      .string()
      .trim()
      .regex(/^\/[^\s]*$/, 'a health path starts with /')
      .default('/health'),
    /** Run once against a started release (MENDER_RELEASE_URL set); a non-zero exit fails the smoke phase. */
    smokeCommand: z.string().trim().min(1).optional(),
    /** Variables every release of the local target gets beyond PORT, SENTRY_RELEASE and SENTRY_ENVIRONMENT (e.g. SENTRY_DSN). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are letters, digits and _'), z.string()).default({}),
    /** How long a release may take to answer its health path. */
    startTimeoutSeconds: z.number().int().min(1).max(3_600).default(60),
    /** How often the canary is judged. */
    intervalSeconds: z.number().gt(0).max(3_600).default(30),
    /** After a merge, deploy by itself (through the deploy gate); false: only when asked. */
    onMerge: z.boolean().default(true),
    judge: judgeOverridesSchema.default({}),
  })
  .strict();

export type DeploySettings = z.infer<typeof deploySettingsSchema>;
export type EnvironmentSettings = DeploySettings['environments'][number];

/** Reads deploy settings; the error names each wrong field and what to give. */
export function parseDeploySettings(value: unknown): DeploySettings {
  const parsed = deploySettingsSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'deploy'}: ${issue.message}`);
  throw new DeploySettingsError(`the deploy settings are not valid: ${problems.join('; ')}`);
}

export class DeploySettingsError extends Error {
  readonly code = 'invalid_deploy_settings';
  override name = 'DeploySettingsError';
}
