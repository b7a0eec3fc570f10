import type { Worker } from 'node:worker_threads';
import { InvalidStateError } from '../../errors/assay-error.js';
import { startModuleWorker, stopWorker } from '../../util/module-worker.js';
import type { Predictions } from '../model-spec.js';
import { fromFailure } from './scoring-failure.js';
import type { ScoringLane } from './scoring-lane.js';
import type { ScoringModel, ThreadMessage, WorkerMessage } from './scoring-protocol.js';

interface Waiting {
  readonly resolve: (predictions: Predictions) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One scoring thread (scoring-worker.ts), serving one runner at a time: `load` gives it the
 * runner's model and returns the lane the runner scores through; closing the lane unloads the
 * model, and the thread waits for the next runner. It starts loading onnxruntime as soon as it is
 * made, so a thread made early is ready by the time a model is known.
 */
export class ScoringThread {
  private readonly worker: Worker;
  /** Why the thread can do nothing more (it stopped or failed), once it cannot. */
  private death: Error | null = null;
  /** The answer to the `load` in progress. */
  private loading: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private readonly waiting = new Map<number, Waiting>();

  constructor() {
    this.worker = startModuleWorker(import.meta.url, 'scoring-worker');
    // Until a runner uses it, the thread does not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => this.die(`the scoring thread failed: ${error.message}`));
    this.worker.on('exit', () => this.die('the scoring thread stopped'));
  }

  /** The worker thread's id (worker_threads' threadId). */
  get threadId(): number {
    return this.worker.threadId;
  }

  /** False once the thread stopped: it is of no more use. */
  get alive(): boolean {
    return this.death === null;
  }

  /**
   * Loads the runner's model and resolves with the lane to score it through, or rejects with
   * onnxruntime's reason. The thread keeps the process alive until the lane closes.
   */
  async load(model: ScoringModel): Promise<ScoringLane> {
    if (this.death) throw this.death;
    if (this.loading) throw new InvalidStateError('the scoring thread is already loading a model');
    this.worker.ref();
    try {
      await new Promise<void>((resolve, reject) => {
        this.loading = { resolve, reject };
        this.send({ kind: 'load', model });
      });
    } catch (error) {
      this.worker.unref();
      throw error;
    } finally {
      this.loading = null;
    }
    return this.lane();
  }

  /** Stops the thread once it has done what it was sent (see stopWorker). */
  async terminate(): Promise<void> {
    if (this.death) return;
    await stopWorker(this.worker, () => this.send({ kind: 'stop' }));
  }

  private lane(): ScoringLane {
    const inflight = new Set<Promise<unknown>>();
    let closed = false;
    const stopped = (): boolean => this.death !== null;
    // A thread serves one lane at a time: what it has yet to answer is the lane's.
    const unanswered = (): number => this.waiting.size;
    return {
      get pending() {
        return unanswered();
      },
      get failed() {
        return closed || stopped();
      },
      score: (request) => {
        if (this.death) return Promise.reject(this.death);
        if (closed) return Promise.reject(new InvalidStateError('the scoring lane is closed'));
        const scored = new Promise<Predictions>((resolve, reject) => {
          this.waiting.set(request.id, { resolve, reject });
          // Columns in shared memory go as they are; the rest is copied (nothing is transferred:
          // the caller's batch stays whole).
          this.send({ kind: 'score', request });
        });
        const settled = scored.then(
          () => undefined,
          () => undefined,
        );
        inflight.add(settled);
        void settled.then(() => inflight.delete(settled));
        return scored;
      },
      close: async () => {
        closed = true;
        await Promise.all(inflight);
        if (this.death) return;
        this.send({ kind: 'unload' });
        this.worker.unref();
      },
    };
  }

  private send(message: ThreadMessage): void {
    this.worker.postMessage(message);
  }

  private receive(message: WorkerMessage): void {
    if (message.kind === 'ready') this.loading?.resolve();
    else if (message.kind === 'failed') this.loading?.reject(new InvalidStateError(message.message));
    else {
      const entry = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.kind === 'scored') entry?.resolve(message.predictions);
      else entry?.reject(fromFailure(message));
    }
  }

  private die(reason: string): void {
    this.death ??= new InvalidStateError(reason);
    this.loading?.reject(this.death);
    for (const { reject } of this.waiting.values()) reject(this.death);
    this.waiting.clear();
  }
}
