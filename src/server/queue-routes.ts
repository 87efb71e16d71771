import type { Hono } from 'hono';
import { z } from 'zod';
import { queueNames, type QueueName } from '../domain/process-roles.ts';
import type { JobCounts } from '../queue/job-queue.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseQuery } from './parse-request.ts';

/** The queues a worker Deployment takes by default, and so what a scaler counts unless told. */
const defaultScaledQueues: QueueName[] = ['planning', 'execution', 'webhooks'];

const depthQuery = z.object({
  queues: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined) return defaultScaledQueues;
      const names = [...new Set(text.split(',').map((name) => name.trim()))].filter(Boolean);
      const unknown = names.filter((name) => !(queueNames as readonly string[]).includes(name));
      if (names.length === 0 || unknown.length > 0)
        context.addIssue({
          code: 'custom',
          message: `${unknown.length ? `no queue named ${unknown.join(', ')}` : 'no queue named'}; give a comma-separated list of ${queueNames.join(', ')}`,
        });
      return names as QueueName[];
    }),
});

/**
 * GET /api/queue/depth: the jobs of some queues waiting, delayed and running, read from whichever
 * backend holds them (the database or Redis), and `scaling`, their sum: the one number an
 * autoscaler (KEDA's `metrics-api` scaler, `valueLocation: scaling`) sizes the workers by.
 * Running jobs count so that busy workers are not scaled down the moment they have claimed
 * everything (the HPA sizes a Deployment as metric ÷ target).
 */
export function registerQueueRoutes(app: Hono<AppEnvironment>, services: { queueCounts: (queue: QueueName) => Promise<JobCounts> }): void {
  app.get('/api/queue/depth', async (c) => {
    const { queues } = parseQuery(c, depthQuery);
    const counted = await Promise.all(queues.map(async (queue) => [queue, pick(await services.queueCounts(queue))] as const));
    const total = { waiting: 0, delayed: 0, active: 0 };
    for (const [, counts] of counted) for (const state of states) total[state] += counts[state];
    return c.json({ queues: Object.fromEntries(counted), total, scaling: total.waiting + total.delayed + total.active });
  });
}

const states = ['waiting', 'delayed', 'active'] as const;

function pick(counts: JobCounts): Record<(typeof states)[number], number> {
  return { waiting: counts.waiting, delayed: counts.delayed, active: counts.active };
}
