import type { Worker } from 'node:worker_threads';
import type { EncodedBatch } from './encoded-batch.js';
import { parseRangesInline } from './parse-range.js';
import type { RangeTask } from './range-task.js';
import { startModuleWorker } from '../../util/module-worker.js';
import { replyError, type WorkerReply } from './worker-protocol.js';

/**
 * The batches of `tasks`, in file order. With `workers` > 0 and more than one range, ranges are
 * parsed in parallel by worker threads (parsing is most of an import's work, csv-parse's above
 * all: about 30 MB/s per core); otherwise on this thread. Workers run at most `workers + 1` ranges
 * ahead of the consumer, so memory stays bounded however large the file.
 */
export async function* parseRanges(
  tasks: readonly RangeTask[],
  workers: number,
): AsyncGenerator<EncodedBatch> {
  if (workers <= 0 || tasks.length <= 1) {
    yield* parseRangesInline(tasks);
    return;
  }
  const pool = new RangePool(tasks, Math.min(workers, tasks.length));
  try {
    yield* pool.batches();
  } finally {
    await pool.close();
  }
}

interface TaskState {
  readonly queue: EncodedBatch[];
  done: boolean;
}

class RangePool {
  private readonly states: TaskState[];
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly assigned = new Map<Worker, number>();
  private nextTask = 0;
  private current = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private closing = false;

  constructor(
    private readonly tasks: readonly RangeTask[],
    workerCount: number,
  ) {
    this.states = tasks.map(() => ({ queue: [], done: false }));
    for (let i = 0; i < workerCount; i++) {
      const worker = startModuleWorker(import.meta.url, 'range-worker');
      worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing)
          this.fail(new Error(`Dataset import worker stopped unexpectedly (exit code ${code})`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  async *batches(): AsyncGenerator<EncodedBatch> {
    while (this.current < this.tasks.length) {
      if (this.failure) throw this.failure;
      this.assign();
      const state = this.states[this.current] as TaskState;
      const batch = state.queue.shift();
      if (batch) {
        yield batch;
        continue;
      }
      if (state.done) {
        this.current += 1;
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private assign(): void {
    const limit = this.current + this.workers.length + 1;
    while (this.idle.length > 0 && this.nextTask < this.tasks.length && this.nextTask < limit) {
      const worker = this.idle.pop() as Worker;
      this.assigned.set(worker, this.nextTask);
      worker.postMessage(this.tasks[this.nextTask]);
      this.nextTask += 1;
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const task = this.assigned.get(worker);
    if (task === undefined) return;
    const state = this.states[task] as TaskState;
    if (reply.kind === 'batch') state.queue.push(reply.batch);
    else if (reply.kind === 'done') {
      state.done = true;
      this.assigned.delete(worker);
      this.idle.push(worker);
    } else this.failure ??= replyError(reply);
    this.notify();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
