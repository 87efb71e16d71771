import { z } from 'zod';
import { processRoles, queueNames } from '../../domain/process-roles.ts';
import { booleanText, commaSeparated, define, positiveInteger } from '../setting-definition.ts';

const nonNegativeInteger = z.coerce.number().int().min(0);

/** Running as several processes: the role of this one, its queues and their concurrency (docs/scale-out.md). */
export const scaleSettings = {
  role: define({
    key: 'role',
    env: ['MENDER_ROLE'],
    schema: z.enum(processRoles, { error: 'must be all, web or worker' }),
    default: 'all',
    description:
      '`all`: HTTP and the queue workers in one process. `web`: HTTP (API, webhooks, ingest, dashboard, SSE), enqueues only. `worker`: runs the queues of MENDER_WORKER_QUEUES, serves only /health, /ready and /metrics. `web` and `worker` need DATABASE_URL. `mender start --role` wins.',
  }),
  queueUrl: define({
    key: 'queueUrl',
    env: ['MENDER_QUEUE_URL'],
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// (or rediss:// for TLS) URL, e.g. redis://redis:6379')
      .optional(),
    default: undefined,
    description:
      'Run the job queue on this Redis server (BullMQ) instead of the database. Jobs added with a state change are written to the database first (an outbox) and moved to Redis after the commit. Give every process of one Mender the same URL.',
    secret: true,
  }),
  workerQueues: define({
    key: 'workerQueues',
    env: ['MENDER_WORKER_QUEUES'],
    schema: commaSeparated(z.enum(queueNames, { error: `lists queues: ${queueNames.join(', ')} (comma-separated)` })),
    default: [...queueNames],
    description: 'Queues a `worker` (or `all`) process takes jobs from (comma-separated); the others are left to other processes.',
  }),
  mergingConcurrency: define({
    key: 'mergingConcurrency',
    env: ['MENDER_MERGING_CONCURRENCY'],
    schema: positiveInteger,
    default: 1,
    description: 'Merges (rebase, verify, merge) at once in one process.',
  }),
  deployingConcurrency: define({
    key: 'deployingConcurrency',
    env: ['MENDER_DEPLOYING_CONCURRENCY'],
    schema: positiveInteger,
    default: 2,
    description: 'Deploy steps (start a release, judge a canary interval) at once in one process.',
  }),
  webhooksConcurrency: define({
    key: 'webhooksConcurrency',
    env: ['MENDER_WEBHOOKS_CONCURRENCY'],
    schema: positiveInteger,
    default: 4,
    description: 'Stored webhook deliveries processed at once in one process.',
  }),
  jobLeaseSeconds: define({
    key: 'jobLeaseSeconds',
    env: ['MENDER_JOB_LEASE_SECONDS'],
    schema: positiveInteger,
    default: 30,
    description:
      "How long a job's claim lasts without renewal (renewed every third of it while the job runs): a process that dies loses its jobs to another one about 1.5 leases later.",
  }),
  drainSeconds: define({
    key: 'drainSeconds',
    env: ['MENDER_DRAIN_SECONDS'],
    schema: nonNegativeInteger,
    default: 0,
    description:
      "On SIGTERM, how long running jobs may finish before they are stopped and handed back to the queue (0: at once). Keep it below the orchestrator's grace period (Kubernetes terminationGracePeriodSeconds).",
  }),
  allowFileRemotes: define({
    key: 'allowFileRemotes',
    env: ['MENDER_ALLOW_FILE_REMOTES'],
    schema: booleanText,
    default: false,
    description:
      'Allow `mender repo add --remote file:///path/to/repo.git`: a bare git repository on this machine, or on a volume every worker mounts at that path, as a plain git remote (branches pushed to it, merges move its default branch). Off by default: a file URL names any folder Mender can read.',
  }),
} as const;
