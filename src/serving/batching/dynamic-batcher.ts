import {
  DeadlineExceededError,
  InvalidStateError,
  ServiceUnavailableError,
} from '../../errors/assay-error.js';
import { batchComplete, batchCut } from './batch-cut.js';
import type { BatchingOptions } from './batching-options.js';

/** One request as the batcher holds it. */
interface Queued<I, O> {
  readonly input: I;
  readonly rows: number;
  readonly enqueuedAt: number;
  /** performance.now() after which the request is not run, or null. */
  readonly deadline: number | null;
  readonly resolve: (output: O) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout | null;
  settled: boolean;
}

/**
 * Batches an instance holds at once: the one it runs and one handed over behind it (see dispatch).
 */
const BATCHES_PER_INSTANCE = 2;

/** When a batch started running: null while it waits, handed over, behind another. */
interface BatchTiming {
  startedAt: number | null;
}

/** What a batch's execution reports to whoever watches (metrics). */
export interface BatchEvent {
  readonly requests: number;
  readonly rows: number;
  /**
   * Milliseconds each request of the batch waited before the batch started running: in the queue,
   * then handed over behind a running batch (until that one was answered).
   */
  readonly queueMs: readonly number[];
  /** Milliseconds from the batch's start to its answer, the hand-over to and from its thread included. */
  readonly runMs: number;
  readonly failed: boolean;
}

export interface BatcherHooks {
  readonly onBatch?: (event: BatchEvent) => void;
  /** A request refused: the queue was full, or its deadline passed while it waited. */
  readonly onRejected?: (reason: 'queue_full' | 'deadline') => void;
}

/** Runs a batch of requests' inputs, answering one output per input, in order. */
export type BatchExecutor<I, O> = (inputs: readonly I[], rows: number) => Promise<O[]>;

/**
 * Triton-style dynamic batching in front of a bounded set of runtime instances. Requests queue in
 * order; whenever an instance can take a batch (it is free, or runs one with none behind it), the
 * next batch takes the queued requests that fit (see batchCut) and goes to it. With no queue delay
 * a lone request never waits for company; batches grow by themselves while every instance is
 * busy. The queue is bounded: a full queue refuses at once, so memory stays flat under overload. A
 * request whose deadline passes while queued is answered 504 and never run. When a batch fails, its requests are run again one by one, so a
 * request that breaks the model fails alone and its batch mates are answered.
 */
export class DynamicBatcher<I, O> {
  private readonly queue: Queued<I, O>[] = [];
  private busy = 0;
  private delayTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Batches handed over behind a running one, oldest first, not yet started. */
  private readonly handedOver: BatchTiming[] = [];
  private queueFullError: ServiceUnavailableError | null = null;

  constructor(
    private readonly options: BatchingOptions,
    private readonly execute: BatchExecutor<I, O>,
    private readonly hooks: BatcherHooks = {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Requests waiting (not yet running). */
  get queueDepth(): number {
    return this.queue.length;
  }

  /** Batches handed to the instances and not yet answered: running, or handed over behind one. */
  get running(): number {
    return this.busy;
  }

  /**
   * Queues `input` (`rows` rows) and resolves with its output. `deadline` is a performance.now()
   * time after which it must not start. Rejects with ServiceUnavailableError when the queue is full.
   */
  submit(input: I, rows: number, deadline: number | null = null): Promise<O> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    return new Promise<O>((resolve, reject) => {
      const request: Queued<I, O> = {
        input,
        rows,
        enqueuedAt: this.now(),
        deadline,
        resolve,
        reject,
        timer: null,
        settled: false,
      };
      if (deadline !== null) {
        const wait = Math.max(0, deadline - request.enqueuedAt);
        request.timer = setTimeout(() => this.expire(request), wait);
      }
      this.queue.push(request);
      this.dispatch();
    });
  }

  /**
   * Why a request submitted now would be refused (shutting down, or a full queue: counted as
   * rejected), or null. Callers ask before they decode a request, so that a refusal costs little.
   */
  refusal(): Error | null {
    if (this.closed) return new InvalidStateError('The model is shutting down');
    if (this.queue.length < this.options.maxQueueSize) return null;
    this.hooks.onRejected?.('queue_full');
    // One error for every refusal: under overload most requests are refused, and building an
    // Error (its stack trace) for each cost the HTTP thread a twentieth of its time (profiled).
    this.queueFullError ??= new ServiceUnavailableError(
      `The model's queue is full (${this.options.maxQueueSize} requests waiting); retry shortly`,
      1,
    );
    return this.queueFullError;
  }

  /** Stops taking requests and resolves when everything queued or running has been answered. */
  async drain(): Promise<void> {
    this.closed = true;
    this.dispatch();
    if (this.queue.length === 0 && this.busy === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private expire(request: Queued<I, O>): void {
    request.timer = null;
    const index = this.queue.indexOf(request);
    if (index < 0) return; // already running
    this.queue.splice(index, 1);
    this.hooks.onRejected?.('deadline');
    this.settle(request, () =>
      request.reject(new DeadlineExceededError('The request waited past its deadline and was not run')),
    );
    this.notifyIdle();
  }

  /**
   * Hands batches to the instances: each runs one and holds at most one more, handed over while it
   * runs, so that it starts on that one the moment it finishes rather than after the HTTP thread
   * has heard of the result and cut the next (measured on 1,000-row requests: onnxruntime idled a
   * quarter of the time without it). Everything else waits here, where batches grow.
   */
  private dispatch(): void {
    while (this.queue.length > 0 && this.busy < BATCHES_PER_INSTANCE * this.options.instances) {
      const cut = this.nextCut();
      if (this.shouldWait(cut)) return;
      const batch = this.queue.splice(0, cut);
      void this.run(batch);
    }
  }

  private nextCut(): number {
    // A batch never takes more than maxBatchSize requests (each has a row at least), and a first
    // request larger than that goes alone: no more of the queue than this decides the cut.
    const front = this.queue.slice(0, this.options.maxBatchSize + 1);
    return batchCut(
      front.map((request) => request.rows),
      this.options.maxBatchSize,
      this.options.preferredBatchSizes,
    );
  }

  /**
   * With a queue delay, an incomplete batch waits until its oldest request has waited that long
   * (or until the batch completes): a timer dispatches it then.
   */
  private shouldWait(cut: number): boolean {
    const delay = this.options.maxQueueDelayMs;
    if (delay <= 0 || this.closed) return false;
    let rows = 0;
    for (let i = 0; i < cut; i += 1) rows += (this.queue[i] as Queued<I, O>).rows;
    if (batchComplete(rows, this.options.maxBatchSize, this.options.preferredBatchSizes)) return false;
    const oldest = (this.queue[0] as Queued<I, O>).enqueuedAt;
    const remaining = oldest + delay - this.now();
    if (remaining <= 0) return false;
    if (this.delayTimer === null) {
      this.delayTimer = setTimeout(() => {
        this.delayTimer = null;
        this.dispatch();
      }, remaining);
    }
    return true;
  }

  private async run(batch: Queued<I, O>[]): Promise<void> {
    // A batch handed over behind a running one starts when a running batch is answered.
    const timing: BatchTiming = { startedAt: this.busy < this.options.instances ? this.now() : null };
    if (timing.startedAt === null) this.handedOver.push(timing);
    this.busy += 1;
    for (const request of batch) {
      if (request.timer) clearTimeout(request.timer);
      request.timer = null;
    }
    const rows = batch.reduce((sum, request) => sum + request.rows, 0);
    let failed = false;
    try {
      const outputs = await this.execute(
        batch.map((request) => request.input),
        rows,
      );
      this.batchAnswered();
      batch.forEach((request, i) => this.settle(request, () => request.resolve(outputs[i] as O)));
    } catch (error) {
      this.batchAnswered();
      failed = true;
      if (batch.length === 1) {
        const [only] = batch as [Queued<I, O>];
        this.settle(only, () => only.reject(error));
      } else {
        await this.runAlone(batch);
      }
    } finally {
      const answered = this.now();
      // Still waiting only if it failed at once, behind nothing: it started when it was handed over.
      const started = timing.startedAt ?? answered;
      this.hooks.onBatch?.({
        requests: batch.length,
        rows,
        queueMs: batch.map((request) => started - request.enqueuedAt),
        runMs: answered - started,
        failed,
      });
      this.busy -= 1;
      this.dispatch();
      this.notifyIdle();
    }
  }

  /** A running batch answered: the oldest batch handed over behind one starts now. */
  private batchAnswered(): void {
    const next = this.handedOver.shift();
    if (next) next.startedAt = this.now();
  }

  /** A failed batch's requests, each on its own: only those that fail by themselves fail. */
  private async runAlone(batch: readonly Queued<I, O>[]): Promise<void> {
    for (const request of batch) {
      try {
        const [output] = await this.execute([request.input], request.rows);
        this.settle(request, () => request.resolve(output as O));
      } catch (error) {
        this.settle(request, () => request.reject(error));
      }
    }
  }

  private settle(request: Queued<I, O>, answer: () => void): void {
    if (request.settled) return;
    request.settled = true;
    answer();
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.busy > 0) return;
    if (this.delayTimer) {
      clearTimeout(this.delayTimer);
      this.delayTimer = null;
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
