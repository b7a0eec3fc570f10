import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../util/module-worker.js';

/** Starts a range worker (range-worker.ts / .js beside this file). */
export function startRangeWorker(): Worker {
  return startModuleWorker(import.meta.url, 'range-worker');
}
