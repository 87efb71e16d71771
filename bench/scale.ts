/**
 * Scale-out benchmark (issue 18): operations per minute with 1, 2 and 4 worker processes
 * (bench/scale-operations.ts). Prints a table and, last, one JSON line; never asserts.
 *
 *   npm run bench:scale
 */
import os from 'node:os';
import { measureOperationThroughput, operationThroughputTable, queueUrl } from './scale-operations.ts';

const runs = await measureOperationThroughput();
console.log(`\nOperations per minute (queue: ${queueUrl ? 'BullMQ' : 'embedded, PostgreSQL'}; ${os.cpus().length} cores)\n`);
console.log(operationThroughputTable(runs));
console.log(JSON.stringify({ bench: 'scale', queue: queueUrl ? 'bullmq' : 'embedded', operations: runs }));
