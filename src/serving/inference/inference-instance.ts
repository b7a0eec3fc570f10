import type { Worker } from 'node:worker_threads';
import { InvalidStateError } from '../../errors/assay-error.js';
import { ModelInspectionError } from '../../runtime/model-inspection-error.js';
import { startModuleWorker, stopWorker } from '../../util/module-worker.js';
import type { NamedTensor, TensorData } from '../named-tensor.js';
import type { InstanceMessage, ThreadMessage } from './inference-protocol.js';

interface Pending {
  readonly resolve: (outputs: NamedTensor[]) => void;
  readonly reject: (error: Error) => void;
}

/** A model's inference failed inside onnxruntime (not the request's shape or types: those are checked before). */
export class InferenceError extends InvalidStateError {}

/**
 * One runtime instance of a served model: an inference thread (inference-thread.ts) holding one
 * session. It runs the batches it is handed one after the other (the batcher hands it two at most).
 */
export class InferenceInstance {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private death: Error | null = null;
  private loading: Pending | null = null;
  private exited = false;

  private constructor() {
    this.worker = startModuleWorker(import.meta.url, 'inference-thread');
    this.worker.on('message', (message: ThreadMessage) => this.receive(message));
    this.worker.on('error', (error) =>
      this.die(new InferenceError(`the inference thread failed: ${error.message}`)),
    );
    this.worker.on('exit', () => {
      this.exited = true;
      this.die(new InferenceError('the inference thread stopped'));
    });
  }

  /** Starts a thread and loads the model into it; rejects with onnxruntime's reason when it cannot. */
  static async start(model: Uint8Array, intraOpThreads: number): Promise<InferenceInstance> {
    const instance = new InferenceInstance();
    try {
      await new Promise<NamedTensor[]>((resolve, reject) => {
        instance.loading = { resolve, reject };
        // The thread gets its own copy of the model: `model` stays the caller's.
        instance.send({ kind: 'load', model, intraOpThreads });
      });
    } catch (error) {
      await instance.close();
      throw error;
    }
    return instance;
  }

  /**
   * Runs one batch. `owned` says the inputs' arrays belong to the batch alone, so their memory
   * moves to the thread instead of being copied (they are unusable here afterwards).
   */
  run(inputs: readonly NamedTensor[], outputs: readonly string[], owned: boolean): Promise<NamedTensor[]> {
    if (this.death) return Promise.reject(this.death);
    const id = this.nextId++;
    return new Promise<NamedTensor[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ kind: 'run', id, inputs, outputs }, owned ? buffersOf(inputs) : []);
    });
  }

  /** Stops the thread once it has run what it was sent (see stopWorker). */
  async close(): Promise<void> {
    if (this.exited) return;
    this.death ??= new InferenceError('the model was unloaded');
    await stopWorker(this.worker, () => this.send({ kind: 'stop' }));
  }

  private send(message: InstanceMessage, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: ThreadMessage): void {
    switch (message.kind) {
      case 'ready':
        this.loading?.resolve([]);
        this.loading = null;
        return;
      case 'failed':
        this.loading?.reject(new ModelInspectionError(message.message));
        this.loading = null;
        return;
      case 'result':
      case 'error': {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (!waiting) return;
        if (message.kind === 'result') waiting.resolve([...message.outputs]);
        else waiting.reject(new InferenceError(`onnxruntime failed to run the model: ${message.message}`));
      }
    }
  }

  private die(error: Error): void {
    this.death ??= error;
    this.loading?.reject(this.death);
    this.loading = null;
    for (const waiting of this.pending.values()) waiting.reject(this.death);
    this.pending.clear();
  }
}

function buffersOf(tensors: readonly NamedTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of tensors) {
    if (!Array.isArray(tensor.data))
      buffers.add((tensor.data as Exclude<TensorData, string[]>).buffer as ArrayBuffer);
  }
  return [...buffers];
}
