import os from 'node:os';
import { ScoringThread } from './scoring-thread.js';

/** Past eight threads, feeding them from one calling thread is what limits throughput. */
const MAX_WORKERS = 7;

/** How long threads left idle are kept for the next runner before they are stopped. */
const IDLE_MS = 30_000;

/** Scoring threads a runner uses beside the calling thread: one per core but the caller's, at most MAX_WORKERS. */
export function defaultScoringWorkers(): number {
  return Math.min(MAX_WORKERS, os.availableParallelism() - 1);
}

export interface ScoringThreadsOptions {
  /** Threads left idle this long are stopped (IDLE_MS). */
  readonly idleMs?: number | undefined;
}

/**
 * The scoring threads of one Assay process, kept from one runner to the next: a thread costs a
 * tenth of a second to start (a V8 isolate, Assay's modules, onnxruntime's native library), which
 * an evaluation would otherwise wait for each time. `warm` starts them early, before the model is
 * even read; `acquire` hands them to a runner, which gives them back when it closes. Idle threads
 * keep no session, do not keep the process alive, and stop after a while unused.
 */
export class ScoringThreads {
  private readonly idle: ScoringThread[] = [];
  private readonly busy = new Set<ScoringThread>();
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: ScoringThreadsOptions = {}) {
    this.idleMs = options.idleMs ?? IDLE_MS;
  }

  /** Threads started, idle or in use. */
  get size(): number {
    return this.idle.length + this.busy.size;
  }

  /** Starts threads until `count` are idle, without waiting for them: they start while the caller goes on. */
  warm(count: number): void {
    if (this.closed) return;
    this.prune();
    while (this.idle.length < count) this.idle.push(new ScoringThread());
    this.scheduleStop();
  }

  /** `count` threads for one runner: idle ones (started longest ago first), then new ones. */
  acquire(count: number): ScoringThread[] {
    this.prune();
    const threads = this.idle.splice(0, count);
    while (threads.length < count) threads.push(new ScoringThread());
    for (const thread of threads) this.busy.add(thread);
    return threads;
  }

  /** A runner is done with the thread: it waits for the next (or stops, if it failed or the pool closed). */
  release(thread: ScoringThread): void {
    this.busy.delete(thread);
    if (!thread.alive || this.closed) {
      void thread.terminate();
      return;
    }
    this.idle.push(thread);
    this.scheduleStop();
  }

  /** Stops the idle threads; threads in use stop as their runners give them back. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopIdle();
  }

  private prune(): void {
    for (let i = this.idle.length - 1; i >= 0; i -= 1) {
      if (!(this.idle[i] as ScoringThread).alive) this.idle.splice(i, 1);
    }
  }

  private scheduleStop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.stopIdle(), this.idleMs);
    this.timer.unref();
  }

  private async stopIdle(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all(this.idle.splice(0).map((thread) => thread.terminate()));
  }
}
