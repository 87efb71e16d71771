import { Gauge, type Registry } from 'prom-client';
import { queueNames } from '../domain/process-roles.ts';
import type { JobQueue } from './job-queue.ts';

const reportedStates = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * `mender_queue_jobs{queue,state}` read from the queue at each scrape (the same numbers on every
 * process: they count the shared table), and `mender_worker_busy`, the jobs this process runs.
 */
export function registerQueueMetrics(registry: Registry, queue: JobQueue): void {
  new Gauge({
    name: 'mender_queue_jobs',
    help: 'Jobs of each queue by state (waiting: due now; delayed: due later or backing off), read from the queue.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of queueNames) {
        const counts = await queue.counts(name);
        for (const state of reportedStates) this.set({ queue: name, state }, counts[state]);
      }
    },
  });
  new Gauge({
    name: 'mender_worker_busy',
    help: 'Jobs running in this process now (0 on a web process).',
    registers: [registry],
    collect() {
      this.set(queue.busy());
    },
  });
}
