import type { Job, JobQueue, QueueName } from './job-queue.ts';

/**
 * The queue as one process's role sees it: jobs are added to every queue as before, but only the
 * queues in `taken` are processed here (`process` of any other is a no-op), so a `web` process
 * enqueues and leaves the work to `worker` processes, and a worker takes only its share.
 */
export function takeQueues(queue: JobQueue, taken: readonly QueueName[], options: { onStart?: (job: Job) => void } = {}): JobQueue {
  const takes = new Set(taken);
  return {
    add: (...args) => queue.add(...args),
    addMany: (...args) => queue.addMany(...args),
    process: (name, concurrency, handler) => {
      if (!takes.has(name)) return;
      const { onStart } = options;
      queue.process(
        name,
        concurrency,
        onStart
          ? (job, signal) => {
              onStart(job);
              return handler(job, signal);
            }
          : handler,
      );
    },
    counts: (name) => queue.counts(name),
    busy: () => queue.busy(),
    close: () => queue.close(),
  };
}
