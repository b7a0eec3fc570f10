import { PendingBatch } from './pending-batch.js';
import type { PredictionRecord } from './prediction-columns.js';
import { DEFAULT_PREDICTION_LOG, type PredictionLogOptions } from './prediction-log-options.js';
import { PredictionLogThread } from './prediction-log-thread-client.js';
import { newBatchId, type BatchSource, type PredictionSink } from './prediction-sink.js';

/** Who a record's predictions came from. */
export interface PredictionSource extends BatchSource {
  /** Share of this source's requests logged, 0 to 1; overrides the log's `sampleRate` when given. */
  readonly sampleRate?: number | undefined;
  /** Feature names of a tensor-mode model's single input, to name its columns. */
  readonly featureNames: ReadonlyMap<string, readonly string[]>;
}

export interface LogHooks {
  /** Records dropped (their rows): the buffer was full, or their tensors could not be cut into rows. */
  readonly onDropped?: (rows: number) => void;
  /** A flush failed: the records it held are lost, serving goes on. */
  readonly onFlushError?: (error: unknown) => void;
}

/** One source's sampling and the batch it is filling. */
interface SourceState {
  readonly source: PredictionSource;
  /** Requests' shares of the sample rate not yet spent on a logged request. */
  sampled: number;
  batch: PendingBatch | null;
  /** The size of its last batch, to size the next. */
  last: { records: number; rows: number };
}

interface Closed {
  readonly source: PredictionSource;
  readonly batch: PendingBatch;
}

/**
 * What serving records predictions into: every answered request's ids, inputs, outputs, time and
 * latency, sampled per source, appended off the response path to a sink (the store, or a server).
 *
 * On the HTTP thread, `record` only copies the request's values into its source's batch (a few
 * array copies); a flush hands each batch's buffers to the log's thread, which builds the columns
 * and the Arrow file, and then to the sink. The buffer is bounded in rows and bytes, batches in
 * flight included: when it is full, records are dropped and counted, never blocking serving or
 * growing memory. `close` flushes what is left (SIGTERM).
 *
 * Reading the log back and joining labels is the store's business: see PredictionLog.
 */
export class PredictionRecorder {
  private readonly states = new Map<string, SourceState>();
  /** States by source object: serving passes the same object for every request of a model. */
  private readonly bySource = new WeakMap<PredictionSource, SourceState>();
  private readonly closedBatches: Closed[] = [];
  private bufferedRows = 0;
  private bufferedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    protected readonly sink: PredictionSink,
    private readonly options: PredictionLogOptions = DEFAULT_PREDICTION_LOG,
    private readonly hooks: LogHooks = {},
    protected readonly thread: PredictionLogThread = new PredictionLogThread(),
  ) {}

  /** Queues one request's predictions (copied: the request's arrays are not kept). */
  record(source: PredictionSource, record: PredictionRecord): void {
    if (this.closed) return;
    const state = this.state(source);
    if (!this.sample(state, source)) return;
    const rows = record.inputs[0]?.dims[0] ?? record.outputs[0]?.dims[0] ?? 0;
    if (rows === 0) return;
    const fitting = state.batch === null ? -1 : state.batch.sizeIfFits(record, rows);
    const size = fitting >= 0 ? fitting : PendingBatch.sizeOf(record);
    const { options } = this;
    if (
      this.bufferedRows + rows > options.maxBufferedRows ||
      this.bufferedBytes + size > options.maxBufferedBytes
    ) {
      this.hooks.onDropped?.(rows);
      return;
    }
    let batch = fitting < 0 ? null : state.batch;
    if (batch === null) {
      // A record of another layout closes the batch before it and starts its own.
      this.closeBatch(state);
      batch = PendingBatch.start(record, rows, source.featureNames, state.last);
      // Tensors that cannot be cut into its rows: not loggable as rows.
      if (batch === null) {
        this.hooks.onDropped?.(rows);
        return;
      }
      state.batch = batch;
    }
    batch.append(record, rows, size);
    this.bufferedRows += rows;
    this.bufferedBytes += size;
    if (batch.rows >= options.flushRows || batch.fileBytes >= options.maxBatchBytes) {
      this.closeBatch(state);
      this.scheduleFlush(0);
    } else {
      this.scheduleFlush(options.flushIntervalMs);
    }
  }

  /** Writes everything queued so far; resolves when it is stored (or counted lost). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const state of this.states.values()) this.closeBatch(state);
    const batches = this.closedBatches.splice(0);
    this.flushing = this.flushing.then(async () => {
      for (const { source, batch } of batches) {
        try {
          await this.write(source, batch);
        } catch (error) {
          this.hooks.onFlushError?.(error);
        } finally {
          this.bufferedRows -= batch.rows;
          this.bufferedBytes -= batch.bytes;
        }
      }
    });
    await this.flushing;
  }

  /** Stops taking records, flushes what is queued, and stops the log's thread. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.sink.close();
    await this.thread.close();
  }

  private state(source: PredictionSource): SourceState {
    let state = this.bySource.get(source);
    if (state) return state;
    const key = `${source.deployment}\u0000${source.modelName}\u0000${source.modelVersion}`;
    state = this.states.get(key);
    if (!state) {
      state = { source, sampled: 0, batch: null, last: { records: 0, rows: 0 } };
      this.states.set(key, state);
    }
    this.bySource.set(source, state);
    return state;
  }

  /** Deterministic: every 1/rate-th request of the source, so that a rate's share holds over any window. */
  private sample(state: SourceState, source: PredictionSource): boolean {
    const rate = source.sampleRate ?? this.options.sampleRate;
    if (rate >= 1) return true;
    if (!(rate > 0)) return false;
    state.sampled += rate;
    if (state.sampled >= 1) {
      state.sampled -= 1;
      return true;
    }
    return false;
  }

  /** The source's batch is full (or the next record does not fit it): it waits for the next flush. */
  private closeBatch(state: SourceState): void {
    const batch = state.batch;
    if (batch === null) return;
    this.closedBatches.push({ source: state.source, batch });
    state.last = { records: batch.records, rows: batch.rows };
    state.batch = null;
  }

  private scheduleFlush(delayMs: number): void {
    if (this.timer !== null && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  private async write(source: PredictionSource, batch: PendingBatch): Promise<void> {
    const id = newBatchId();
    const index = await this.sink.indexFor(id);
    const { batch: packed, transfer } = batch.pack();
    const file = await this.thread.encode(packed, transfer, index);
    const { deployment, modelName, modelVersion } = source;
    await this.sink.write({ ...file, id, source: { deployment, modelName, modelVersion } });
  }
}
