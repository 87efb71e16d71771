import { z } from 'zod';
import { define, booleanText, positiveInteger } from '../setting-definition.ts';

const positiveSeconds = z.coerce.number().positive();

/**
 * The supervisor (`mender start`, issue 17): how it prepares, starts, tries and reverts versions
 * of Mender. Read from the environment and the config file only, never from the database: the
 * version on trial cannot change how it is judged.
 */
export const supervisorSettings = {
  selfProbationSeconds: define({
    key: 'selfProbationSeconds',
    env: ['MENDER_SELF_PROBATION_SECONDS'],
    schema: positiveSeconds,
    default: 600,
    description: 'How long a new version of Mender must stay healthy (and run one operation step) before the supervisor blesses it.',
  }),
  selfStartTimeoutSeconds: define({
    key: 'selfStartTimeoutSeconds',
    env: ['MENDER_SELF_START_TIMEOUT_SECONDS'],
    schema: positiveSeconds,
    default: 120,
    description: 'A new version not ready (listening, /health 200) within this time is reverted.',
  }),
  selfCrashLimit: define({
    key: 'selfCrashLimit',
    env: ['MENDER_SELF_CRASH_LIMIT'],
    schema: positiveInteger,
    default: 3,
    description: 'Exits of a version on probation, within MENDER_SELF_CRASH_WINDOW_SECONDS, that revert it (fewer: it is restarted).',
  }),
  selfCrashWindowSeconds: define({
    key: 'selfCrashWindowSeconds',
    env: ['MENDER_SELF_CRASH_WINDOW_SECONDS'],
    schema: positiveSeconds,
    default: 60,
    description: 'The window in which MENDER_SELF_CRASH_LIMIT exits revert a version on probation.',
  }),
  selfHealthIntervalSeconds: define({
    key: 'selfHealthIntervalSeconds',
    env: ['MENDER_SELF_HEALTH_INTERVAL_SECONDS'],
    schema: positiveSeconds,
    default: 5,
    description: "How often the supervisor asks the running version's /health.",
  }),
  selfHealthFailures: define({
    key: 'selfHealthFailures',
    env: ['MENDER_SELF_HEALTH_FAILURES'],
    schema: positiveInteger,
    default: 3,
    description: 'Failed /health answers in a row that revert a version on probation.',
  }),
  selfBuild: define({
    key: 'selfBuild',
    env: ['MENDER_SELF_BUILD'],
    schema: booleanText,
    default: true,
    description: 'Build the server and the dashboard in a new release folder before starting it (off: it runs from source through tsx).',
  }),
  selfDrainSeconds: define({
    key: 'selfDrainSeconds',
    env: ['MENDER_SELF_DRAIN_SECONDS'],
    schema: positiveSeconds,
    default: 30,
    description: 'How long a version being replaced may take to finish its requests and stop before it is killed.',
  }),
} as const;
