import { z } from 'zod';
import { isTimeZone } from '../../policy/local-time.ts';
import { define, booleanText, positiveInteger, stringList } from '../setting-definition.ts';

/** Autonomy, the policy, protected paths and budgets. */
export const safetySettings = {
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
} as const;
