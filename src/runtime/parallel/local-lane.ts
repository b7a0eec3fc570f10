import type { InferenceSession } from 'onnxruntime-node';
import type { InputFeeder } from '../input-feeder.js';
import type { ModelSpec, Predictions } from '../model-spec.js';
import { scorePiece } from './piece-scoring.js';
import type { ScoringLane } from './scoring-lane.js';

/**
 * A lane on the calling thread, with a single-threaded session of its own, opened by `open` when
 * the lane is first given a piece: loading a model blocks the thread, and while worker threads
 * take the first pieces the calling thread has rows to read for them instead. onnxruntime blocks
 * the thread for each chunk it scores, and between chunks the thread goes on with its other work
 * (reading rows, feeding the workers), so one piece at a time is what it should take.
 */
export function localLane(
  open: () => Promise<InferenceSession>,
  spec: ModelSpec,
  feeder: InputFeeder,
  chunkRows: number,
): ScoringLane {
  let session: Promise<InferenceSession> | null = null;
  let pending = 0;
  // One request at a time: the feeder's memory is reused from one to the next.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get pending() {
      return pending;
    },
    // onnxruntime's failures are a piece's, not the lane's: the session scores the next one.
    failed: false,
    score(request) {
      pending += 1;
      const scored: Promise<Predictions> = queue
        .then(() => (session ??= open()))
        .then((loaded) => scorePiece(loaded, spec, feeder, chunkRows, request))
        .finally(() => {
          pending -= 1;
        });
      queue = scored.catch(() => undefined);
      return scored;
    },
    async close() {
      await queue;
      const opened = await session?.catch(() => null);
      await opened?.release();
    },
  };
}
