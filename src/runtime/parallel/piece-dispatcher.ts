import type { Predictions } from '../model-spec.js';
import type { ScoringLane } from './scoring-lane.js';
import type { ScoreRequest } from './scoring-protocol.js';

/**
 * Requests a worker thread holds at once: the one it scores and the next, so that it never waits
 * for the calling thread, which may be busy with a chunk of its own for a few milliseconds.
 */
const WORKER_DEPTH = 2;

interface Waiting {
  readonly request: ScoreRequest;
  readonly resolve: (predictions: Predictions) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Hands pieces of batches to the lanes that score them, in order, as lanes free up: to a worker
 * thread with room first, else to the calling thread's own lane when it is idle. So the calling
 * thread scores only what the workers leave, and while the workers start it scores everything.
 */
export class PieceDispatcher {
  private readonly waiting: Waiting[] = [];
  private readonly workers: ScoringLane[] = [];
  private readonly unsettled = new Set<Promise<unknown>>();
  private failure: unknown = null;
  private readonly counts = { calling: 0, workers: 0 };

  constructor(private readonly local: ScoringLane) {}

  /** A worker thread that has started and takes pieces from now on. */
  addWorker(worker: ScoringLane): void {
    this.workers.push(worker);
    this.pump();
  }

  /** A worker that did not start: what waits, and whatever comes later, fails with its reason. */
  fail(error: unknown): void {
    this.failure ??= error;
    for (const piece of this.waiting.splice(0)) piece.reject(error);
  }

  submit(request: ScoreRequest): Promise<Predictions> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const scored = new Promise<Predictions>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
    });
    const settled = scored.then(
      () => undefined,
      () => undefined,
    );
    this.unsettled.add(settled);
    void settled.then(() => this.unsettled.delete(settled));
    this.pump();
    return scored;
  }

  /** Pieces handed out so far, by where they went. */
  get handedOut(): { readonly calling: number; readonly workers: number } {
    return { ...this.counts };
  }

  /** Resolves once every piece submitted so far is answered. */
  async settled(): Promise<void> {
    while (this.unsettled.size > 0) await Promise.all(this.unsettled);
  }

  private pump(): void {
    for (let lane = this.nextLane(); lane !== null && this.waiting.length > 0; lane = this.nextLane()) {
      const piece = this.waiting.shift() as Waiting;
      if (lane === this.local) this.counts.calling += 1;
      else this.counts.workers += 1;
      lane
        .score(piece.request)
        .then(piece.resolve, piece.reject)
        .finally(() => this.pump());
    }
  }

  private nextLane(): ScoringLane | null {
    let best: ScoringLane | null = null;
    for (const worker of this.workers) {
      if (worker.failed || worker.pending >= WORKER_DEPTH) continue;
      if (best === null || worker.pending < best.pending) best = worker;
    }
    if (best !== null) return best;
    return this.local.pending === 0 ? this.local : null;
  }
}
