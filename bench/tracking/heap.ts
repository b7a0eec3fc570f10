/**
 * `npm run bench:tracking-heap`: is memory flat? Runs the server in this process (so the live heap
 * can be read after a forced full garbage collection: needs `node --expose-gc`) and repeats a mixed
 * load, printing the live heap and RSS after each round. A leak shows as a live heap that climbs;
 * RSS readings of a separate server process (bench:tracking) also move with V8's collection timing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseServerConfig } from '../../src/config/config.js';
import { startServer } from '../../src/server/start-server.js';
import { JsonClient } from '../lib/http-client.js';
import { describeMachine } from '../lib/machine.js';
import {
  createExperiment,
  createRuns,
  historyReadTime,
  logBatchThroughput,
  searchLatency,
} from './scenarios.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:tracking-heap)');

const ROUNDS = 12;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-heap-'));
const silent = { write: () => true } as unknown as NodeJS.WritableStream;
const config = parseServerConfig(
  {},
  { port: '0', store: `sqlite:${dir}/assay.db`, artifacts: `${dir}/artifacts`, logLevel: 'warn' },
);
const server = await startServer(config, silent);
const client = new JsonClient(server.url, 64);
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

console.log(`Machine: ${describeMachine()}`);
console.log('Command: npm run bench:tracking-heap');
console.log('');
console.log(
  '| round (log-batch 160,000 points, 2,000 runs, 20 searches over 5,000 runs, 200,000-point history) | live heap after full GC (MB) | heap total (MB) | RSS (MB) |',
);
console.log('|---|---|---|---|');
try {
  const experiment = await createExperiment(client, 'heap');
  const search = await createExperiment(client, 'heap-search');
  await createRuns(client, search, 5000, 64, { withTags: true });
  for (let round = 1; round <= ROUNDS; round += 1) {
    await logBatchThroughput(client, experiment, 8, 20);
    await createRuns(client, experiment, 2000, 64, { offset: round * 10_000 });
    await searchLatency(client, search, 20);
    await historyReadTime(client, experiment, 200_000);
    gc();
    gc();
    const memory = process.memoryUsage();
    console.log(`| ${round} | ${mb(memory.heapUsed)} | ${mb(memory.heapTotal)} | ${mb(memory.rss)} |`);
  }
} finally {
  await client.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
