import type { Worker } from 'node:worker_threads';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { startModuleWorker } from '../../util/module-worker.js';
import type {
  EncodedFile,
  IndexRequest,
  LogThreadReply,
  LogThreadRequest,
  PackedBatch,
} from './prediction-log-protocol.js';

interface Waiting {
  readonly worker: Worker;
  readonly resolve: (reply: LogThreadReply) => void;
  readonly reject: (error: Error) => void;
}

/** Requests without their id, which the client assigns. */
type Request =
  | Omit<Extract<LogThreadRequest, { kind: 'encode' }>, 'id'>
  | Omit<Extract<LogThreadRequest, { kind: 'inspect' }>, 'id'>
  | Omit<Extract<LogThreadRequest, { kind: 'unindex' }>, 'id'>;

/**
 * The prediction log's thread (prediction-log-thread.ts), seen from the HTTP thread. It starts on
 * first use, so that a process that only reads the log never loads it; it keeps the process alive
 * only while it has work; should it die, what it was doing fails and the next request starts a
 * new one.
 */
export class PredictionLogThread {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  /** A batch as one Arrow file, its index as `index` asks; its buffers (`transfer`) move to the thread. */
  async encode(
    batch: PackedBatch,
    transfer: readonly ArrayBuffer[],
    index: IndexRequest | null,
  ): Promise<EncodedFile> {
    const reply = await this.send({ kind: 'encode', batch, index }, transfer);
    return (reply as Extract<LogThreadReply, { kind: 'encoded' }>).file;
  }

  /**
   * Checks an uploaded prediction file and indexes it as `index` asks: InvalidParameterError
   * naming the problem (and nothing indexed) when it is not one. `bytes` moves to the thread and
   * comes back as the result's.
   */
  async inspect(bytes: Uint8Array, index: IndexRequest | null): Promise<EncodedFile> {
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const owned = whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    const reply = await this.send({ kind: 'inspect', bytes: owned, index }, [owned.buffer as ArrayBuffer]);
    return (reply as Extract<LogThreadReply, { kind: 'encoded' }>).file;
  }

  /** Removes the index rows of batch `batchId` from the SQLite `file`. */
  async unindex(file: string, batchId: string): Promise<void> {
    await this.send({ kind: 'unindex', file, batchId });
  }

  /** Stops the thread; what it was doing fails. A later request starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private send(request: Request, transfer: readonly ArrayBuffer[] = []): Promise<LogThreadReply> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<LogThreadReply>((resolve, reject) => {
      this.waiting.set(id, { worker, resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage({ ...request, id } as LogThreadRequest, [...transfer]);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startModuleWorker(import.meta.url, 'prediction-log-thread');
    worker.unref();
    worker.on('message', (reply: LogThreadReply) => this.receive(reply));
    const lost = (reason: string): void => {
      if (this.worker === worker) this.worker = null;
      this.failAll(worker, new Error(`the prediction log thread ${reason}`));
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', () => lost('stopped'));
    this.worker = worker;
    return worker;
  }

  private receive(reply: LogThreadReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.settled(reply.id);
    if (reply.kind === 'failed') {
      waiting.reject(reply.invalid ? new InvalidParameterError(reply.message) : new Error(reply.message));
    } else {
      waiting.resolve(reply);
    }
  }

  private settled(id: number): void {
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
  }

  /** Fails what `worker` was doing (not what a newer thread does). */
  private failAll(worker: Worker, error: Error): void {
    for (const [id, waiting] of [...this.waiting]) {
      if (waiting.worker !== worker) continue;
      this.settled(id);
      waiting.reject(error);
    }
  }
}
