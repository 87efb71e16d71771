/**
 * The job queue side by side on its backends: throughput (1,000 no-op jobs added by 8 producers
 * at once, processed with concurrency 8, from the first add to the last completion; target
 * ≥ 1,000 jobs/s) and enqueue → start latency (single adds spaced out; target p99 ≤ 50 ms on
 * Redis). As a web and a worker process run them: one queue instance adds, another processes.
 * Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:scale-queue      (BENCH_JOBS, default 1000; BENCH_LATENCY_SAMPLES, default 200)
 *
 * The embedded queue runs on PostgreSQL when it is installed (a server started for the run), else
 * on PGlite; BullMQ on a redis-server started for the run, its outbox in the same store. Without
 * redis-server only the embedded rows are printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createBullmqQueue } from '../src/queue/bullmq-queue.ts';
import { createEmbeddedQueue } from '../src/queue/embedded-queue.ts';
import type { JobQueue } from '../src/queue/job-queue.ts';
import { openStore, type Store } from '../src/store/database.ts';
import { findPostgresBinaries, startPostgresServer } from '../test/support/postgres-server.ts';
import { redisAvailable, startRedisServer } from '../test/support/redis-server.ts';
import { formatMs, now, percentile, round, table } from './support/figures.ts';

const jobCount = Number(process.env.BENCH_JOBS ?? 1000);
const latencySamples = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const producers = 8;
const concurrency = 8;
const spacingMs = 10;

interface Backend {
  name: string;
  /** A producer and a consumer instance over the same state, as a web and a worker process. */
  open(): { producer: JobQueue; consumer: JobQueue };
  /** Adds one job: plainly, or inside a transaction (through the outbox on BullMQ). */
  add(producer: JobQueue, index: number): Promise<unknown>;
  reset(): Promise<void>;
}

async function throughput(backend: Backend): Promise<number> {
  await backend.reset();
  const { producer, consumer } = backend.open();
  let done = 0;
  let finished = () => {};
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  consumer.process('webhooks', concurrency, async () => {
    done += 1;
    if (done === jobCount) finished();
  });
  const started = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: producers }, async () => {
      while (next < jobCount) await backend.add(producer, next++);
    }),
  );
  await allDone;
  const seconds = (now() - started) / 1000;
  await consumer.close();
  await producer.close();
  return jobCount / seconds;
}

async function latency(backend: Backend): Promise<number[]> {
  await backend.reset();
  const { producer, consumer } = backend.open();
  const addedAt = new Map<string, number>();
  const latencies: number[] = [];
  let waiting = () => {};
  consumer.process('webhooks', concurrency, async (job) => {
    latencies.push(now() - (addedAt.get(String(job.payload.index)) ?? Number.NaN));
    waiting();
  });
  for (let index = 0; index < latencySamples; index += 1) {
    const started = new Promise<void>((resolve) => (waiting = resolve));
    addedAt.set(String(index), now());
    await backend.add(producer, index);
    await started;
    await new Promise((resolve) => setTimeout(resolve, spacingMs));
  }
  await consumer.close();
  await producer.close();
  return latencies;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-bench-queue-'));
const postgres = findPostgresBinaries() ? await startPostgresServer() : undefined;
const store: Store = await openStore(postgres ? { databaseUrl: postgres.url } : { directory: path.join(root, 'db') });
const database = store.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
const redis = redisAvailable() ? await startRedisServer() : undefined;
const emptyTables = async () => void (await store.db.execute(sql`TRUNCATE jobs, job_outbox RESTART IDENTITY`));
const plainAdd = (producer: JobQueue, index: number) => producer.add('webhooks', 'noop', { index });
const transactionAdd = (producer: JobQueue, index: number) =>
  store.db.transaction((transaction) => producer.add('webhooks', 'noop', { index }, {}, transaction));

const backends: Backend[] = [
  {
    name: `embedded (${database})`,
    open: () => ({ producer: createEmbeddedQueue(store.db), consumer: createEmbeddedQueue(store.db) }),
    add: plainAdd,
    reset: emptyTables,
  },
];
if (redis) {
  const open = () => ({ producer: createBullmqQueue(store.db, { url: redis.url }), consumer: createBullmqQueue(store.db, { url: redis.url }) });
  const reset = async () => {
    await emptyTables();
    await redis.flush();
  };
  backends.push({ name: 'BullMQ (Redis)', open, add: plainAdd, reset });
  backends.push({ name: `BullMQ, added in a transaction (outbox on ${database})`, open, add: transactionAdd, reset });
}

const rows: { backend: string; jobsPerSecond: number; p50Ms: number; p99Ms: number }[] = [];
for (const backend of backends) {
  const jobsPerSecond = await throughput(backend);
  const latencies = await latency(backend);
  rows.push({
    backend: backend.name,
    jobsPerSecond: round(jobsPerSecond),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
  });
}

await store.close();
await redis?.stop();
await postgres?.stop();
fs.rmSync(root, { recursive: true, force: true });

console.log(`${jobCount} no-op jobs, ${producers} producers, concurrency ${concurrency}; ${latencySamples} single adds ${spacingMs} ms apart`);
console.log(
  table(
    ['backend', 'jobs/s', 'enqueue→start p50', 'p99'],
    rows.map((row) => [row.backend, String(Math.round(row.jobsPerSecond)), formatMs(row.p50Ms), formatMs(row.p99Ms)]),
  ),
);
if (!redis) console.log('BullMQ rows left out: redis-server is not installed');
console.log(JSON.stringify({ bench: 'scale-queue', jobs: jobCount, concurrency, rows, targetJobsPerSecond: 1000, targetRedisP99Ms: 50 }));
