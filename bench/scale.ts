/**
 * Scale-out benchmark (issue 18), in one run: operations per minute with 1, 2 and 4 worker
 * processes (bench/scale-operations.ts), then the queue's own jobs/s and enqueue → start latency
 * on the embedded backend and on BullMQ side by side (bench/scale-queue.ts, also runnable alone
 * as `npm run bench:scale-queue`). Prints tables and JSON lines; never asserts.
 *
 *   npm run bench:scale
 */
import os from 'node:os';
import { measureOperationThroughput, operationThroughputTable, queueUrl } from './scale-operations.ts';

const runs = await measureOperationThroughput();
console.log(`\nOperations per minute (queue: ${queueUrl ? 'BullMQ' : 'embedded, PostgreSQL'}; ${os.cpus().length} cores)\n`);
console.log(operationThroughputTable(runs));
console.log(JSON.stringify({ bench: 'scale', queue: queueUrl ? 'bullmq' : 'embedded', operations: runs }));
console.log('\nThe queue alone\n');
await import('./scale-queue.ts');
