import { InvalidParameterError } from '../../errors/assay-error.js';

/**
 * How a served model batches its requests, as Triton's dynamic batcher names the knobs. Rows, not
 * requests, count against the batch size: a request of 100 rows fills 100 places.
 */
export interface BatchingOptions {
  /** Rows per model call at most; 1 turns batching off. A request with more rows runs alone. */
  readonly maxBatchSize: number;
  /**
   * How long a batch that is not yet full may wait for more requests, in milliseconds. 0 (the
   * default) never waits: a batch takes what is queued when a runtime instance frees up, so a
   * lone request runs at once and batches form only while the instances are busy. A fixed window
   * adds its whole length to every request under light load.
   */
  readonly maxQueueDelayMs: number;
  /** Batch sizes to cut at when the queue holds more than one of them (e.g. sizes a model runs fastest at). */
  readonly preferredBatchSizes: readonly number[];
  /** Requests waiting at most; one more is refused at once (503 with Retry-After), never buffered. */
  readonly maxQueueSize: number;
  /**
   * How long a request may wait in the queue, in milliseconds, unless it asks for less (KServe v2
   * `parameters.timeout`); past it, it is answered 504 and never run. null: as long as it takes.
   */
  readonly queueTimeoutMs: number | null;
  /** onnxruntime sessions scoring side by side, each in a thread of its own. */
  readonly instances: number;
  /** Threads each session uses inside one call (onnxruntime's intra-op threads). */
  readonly intraOpThreads: number;
}

export const DEFAULT_BATCHING: BatchingOptions = {
  maxBatchSize: 64,
  maxQueueDelayMs: 0,
  preferredBatchSizes: [],
  maxQueueSize: 1024,
  queueTimeoutMs: null,
  instances: 1,
  intraOpThreads: 1,
};

/** The defaults with `given` applied, each value checked; the error names the option. */
export function batchingOptions(given: Partial<BatchingOptions> = {}): BatchingOptions {
  const options = { ...DEFAULT_BATCHING, ...definedOnly(given) };
  positiveInteger('max_batch_size', options.maxBatchSize);
  if (!Number.isFinite(options.maxQueueDelayMs) || options.maxQueueDelayMs < 0) {
    throw new InvalidParameterError(
      `max_queue_delay must be a number of milliseconds >= 0, got ${String(options.maxQueueDelayMs)}`,
    );
  }
  for (const size of options.preferredBatchSizes) {
    positiveInteger('preferred_batch_sizes', size);
    if (size > options.maxBatchSize) {
      throw new InvalidParameterError(
        `preferred_batch_sizes: ${size} is larger than max_batch_size ${options.maxBatchSize}`,
      );
    }
  }
  positiveInteger('max_queue_size', options.maxQueueSize);
  if (
    options.queueTimeoutMs !== null &&
    !(Number.isFinite(options.queueTimeoutMs) && options.queueTimeoutMs > 0)
  ) {
    throw new InvalidParameterError(
      `queue_timeout must be a number of milliseconds > 0, got ${String(options.queueTimeoutMs)}`,
    );
  }
  positiveInteger('instances', options.instances);
  positiveInteger('intra_op_threads', options.intraOpThreads);
  return { ...options, preferredBatchSizes: [...new Set(options.preferredBatchSizes)].sort((a, b) => a - b) };
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidParameterError(`${name} must be a positive integer, got ${String(value)}`);
  }
}

function definedOnly<T extends object>(given: T): Partial<T> {
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<T>;
}
