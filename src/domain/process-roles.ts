/**
 * The job queues, one per kind of work; a worker process may take any subset of them. `self`
 * holds the one step a new version of Mender runs on probation under its supervisor.
 */
export const queueNames = ['planning', 'execution', 'merging', 'webhooks', 'detection', 'deploying', 'self'] as const;
export type QueueName = (typeof queueNames)[number];

/**
 * What one `mender start` process does: `web` serves HTTP and only enqueues, `worker` runs the
 * queues' jobs (and answers health probes), `all` does both in one process (the default).
 */
export const processRoles = ['all', 'web', 'worker'] as const;
export type ProcessRole = (typeof processRoles)[number];
