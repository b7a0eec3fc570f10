/**
 * A worker thread that parses ranges of a CSV or JSONL file (see range-pool.ts). It takes one task
 * at a time and answers with its batches (buffers transferred, not copied), then `done`.
 */
import { parentPort } from 'node:worker_threads';
import { AssayError } from '../../errors/assay-error.js';
import { batchBuffers } from './encoded-batch.js';
import { parseRange } from './parse-range.js';
import type { RangeTask } from './range-task.js';
import type { WorkerReply } from './worker-protocol.js';

const port = parentPort;
if (port) {
  port.on('message', (task: RangeTask) => {
    void (async () => {
      try {
        for await (const batch of parseRange(task)) {
          port.postMessage({ kind: 'batch', batch } satisfies WorkerReply, batchBuffers(batch));
        }
        port.postMessage({ kind: 'done' } satisfies WorkerReply);
      } catch (error) {
        const reply: WorkerReply =
          error instanceof AssayError
            ? { kind: 'error', message: error.message, code: error.code, status: error.httpStatus }
            : { kind: 'error', message: error instanceof Error ? error.message : String(error) };
        port.postMessage(reply);
      }
    })();
  });
}
