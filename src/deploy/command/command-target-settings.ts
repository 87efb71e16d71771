import { z } from 'zod';

// The `command` target runs a team's own scripts, so Mender can ship to any platform they already
// script (Vercel, Railway, Fly, a VM). Each script gets the release in environment variables and
// answers with its exit code, optionally with a JSON object on its last line of output.
const command = z.string().trim().min(1, 'give a shell command');

export const commandTargetSettingsSchema = z
  .object({
    /** Starts the release (MENDER_COMMIT) in MENDER_ENVIRONMENT. Required. */
    deploy: command,
    /** Reports the release serving the environment: exit 0 = healthy; `{"commit": "…"}` names it. Required. */
    status: command,
    /** Puts MENDER_PREVIOUS_COMMIT back; MENDER_ROLLBACK_REASON says why. Required. */
    rollback: command,
    /** Makes the release permanent where a platform needs a step for it; absent: deploy already did. */
    promote: command.optional(),
    /** Sends MENDER_TRAFFIC_PERCENT of requests to the new release; present means the target can split traffic. */
    shift: command.optional(),
    /** Folder the scripts run in (the repository checkout by default). */
    cwd: z.string().min(1).optional(),
    /** Per script; default 10 minutes. */
    timeoutSeconds: z.number().int().min(1).max(86_400).default(600),
    /** Extra variables the scripts need (platform tokens): nothing else of Mender's environment reaches them. */
    env: z
      .record(z.string(), z.string())
      .superRefine((variables, context) => {
        for (const name of Object.keys(variables)) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) context.addIssue({ code: 'custom', path: [name], message: 'variable names are letters, digits and _' });
        }
      })
      .default({}),
  })
  .strict();

export type CommandTargetSettings = z.infer<typeof commandTargetSettingsSchema>;

/** Reads a repository's command-target block; the error names each wrong field and what to give. */
export function parseCommandTargetSettings(value: unknown): CommandTargetSettings {
  const parsed = commandTargetSettingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`);
  throw new CommandTargetSettingsError(`the command target's settings are not valid: ${problems.join('; ')}`);
}

export class CommandTargetSettingsError extends Error {
  override name = 'CommandTargetSettingsError';
}
