import type { InferenceSession } from 'onnxruntime-node';
import { InvalidStateError } from '../../errors/assay-error.js';
import type { ModelSpec, Predictions } from '../model-spec.js';
import { scoreInChunks } from '../prediction-collector.js';
import type { BufferPool } from './buffer-pool.js';
import { requestFeeds } from './request-feeds.js';
import { inputBuffers } from './scoring-protocol.js';
import type { ScoringLane } from './scoring-lane.js';

/**
 * A lane on the calling thread, with a single-threaded session of its own. onnxruntime blocks the
 * thread for each chunk it scores, and between chunks the thread goes on with its other work
 * (reading rows, feeding the workers), so one piece at a time is what it should take.
 */
export function localLane(
  session: InferenceSession,
  spec: ModelSpec,
  chunkRows: number,
  pool: BufferPool,
): ScoringLane {
  let pending = 0;
  let idle: Promise<void> = Promise.resolve();
  return {
    get pending() {
      return pending;
    },
    // onnxruntime's failures are a piece's, not the lane's: the session scores the next one.
    failed: false,
    score(request) {
      pending += 1;
      const scored = scoreInChunks(session, spec, request.rows, chunkRows, (start, count) =>
        requestFeeds(request, start, count),
      ).then(
        (predictions: Predictions) => predictions,
        (error: unknown) => {
          // The same words a worker thread's failure gets.
          throw new InvalidStateError(
            `onnxruntime failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      );
      const settled = scored.finally(() => {
        pending -= 1;
        pool.give(inputBuffers(request.inputs));
      });
      idle = Promise.all([idle, settled.catch(() => undefined)]).then(() => undefined);
      return settled;
    },
    async close() {
      await idle;
      await session.release();
    },
  };
}
