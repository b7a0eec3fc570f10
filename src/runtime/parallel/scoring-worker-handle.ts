import type { Worker } from 'node:worker_threads';
import { InvalidStateError } from '../../errors/assay-error.js';
import { startModuleWorker } from '../../util/module-worker.js';
import type { Predictions } from '../model-spec.js';
import { fromFailure } from './piece-scoring.js';
import type { ScoringLane } from './scoring-lane.js';
import type { ScoringWorkerData, WorkerMessage } from './scoring-protocol.js';

/** Starts a scoring thread and resolves, as a lane, once its session is loaded (or rejects with why not). */
export async function startScoringWorker(data: ScoringWorkerData): Promise<ScoringLane> {
  const worker: Worker = startModuleWorker(import.meta.url, 'scoring-worker', { workerData: data });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: WorkerMessage) => {
        worker.off('error', reject);
        if (message.kind === 'ready') resolve();
        else
          reject(
            new InvalidStateError(
              message.kind === 'failed' ? message.message : 'the scoring thread did not start',
            ),
          );
      });
    });
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  const waiting = new Map<number, { resolve: (p: Predictions) => void; reject: (e: Error) => void }>();
  const inflight = new Set<Promise<unknown>>();
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.kind !== 'scored' && message.kind !== 'error') return;
    const entry = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.kind === 'scored') entry?.resolve(message.predictions);
    else entry?.reject(fromFailure(message));
  });
  worker.on('error', (error) => fail(new InvalidStateError(`the scoring thread failed: ${error.message}`)));
  worker.on('exit', () => fail(new InvalidStateError('the scoring thread stopped')));

  return {
    get pending() {
      return waiting.size;
    },
    get failed() {
      return failure !== null;
    },
    score(request) {
      if (failure) return Promise.reject(failure);
      const scored = new Promise<Predictions>((resolve, reject) => {
        waiting.set(request.id, { resolve, reject });
        // Columns in shared memory go as they are; the rest is copied (nothing is transferred: the
        // caller's batch stays whole).
        worker.postMessage(request);
      });
      const settled = scored.then(
        () => undefined,
        () => undefined,
      );
      inflight.add(settled);
      void settled.then(() => inflight.delete(settled));
      return scored;
    },
    async close() {
      await Promise.all(inflight);
      await worker.terminate();
    },
  };
}
