import os from 'node:os';
import type { Tensor } from 'onnxruntime-node';
import type { TableBatch } from '../../datasets/dataset-table.js';
import { sliceBatch } from '../../datasets/table-batches.js';
import { InvalidStateError } from '../../errors/assay-error.js';
import type { InputFeeder } from '../input-feeder.js';
import { checkSchema } from '../input-schema-check.js';
import type { ModelSpec, Predictions } from '../model-spec.js';
import {
  DEFAULT_CHUNK_ROWS,
  fixedBatchSize,
  modelFeeder,
  prepareRunner,
  type ModelRunner,
  type RunnerOptions,
} from '../model-runner.js';
import { BufferPool } from './buffer-pool.js';
import type { InputData, ScoringWorkerData } from './scoring-protocol.js';
import { startScoringWorker, type ScoringWorker } from './scoring-worker-handle.js';

export interface ParallelRunnerOptions extends RunnerOptions {
  /** Scoring threads, each with its own session (default: one per core, at most 8). */
  readonly workers?: number | undefined;
  /** A batch is sent to the threads in pieces of at most this many rows (DISPATCH_ROWS). */
  readonly dispatchRows?: number | undefined;
}

/**
 * Rows per piece of a batch sent to a thread: small enough that the threads finish a batch close
 * together (a stored batch of 65,536 rows in one piece left one thread idle for up to a tenth of
 * a second at the end), large enough that the messages cost nothing.
 */
export const DISPATCH_ROWS = 16_384;

/**
 * A model runner for throughput: batches are fed on the calling thread and scored by a pool of
 * worker threads, each holding its own single-threaded onnxruntime session. Scoring whole batches
 * side by side keeps every core on the model without onnxruntime's per-operator synchronisation
 * (on two cores, 10% less CPU than one session with two threads), and the calling thread is free
 * to read and prepare the next batch meanwhile.
 *
 * The runner is returned at once: its threads start in the background, while the caller reads
 * its first rows (a thread that fails to start fails the first `run`). `run` takes what it needs
 * from the batch before it returns; results may be awaited in any order. Models with a fixed
 * batch size run on the calling thread (prepareRunner).
 */
export async function prepareParallelRunner(
  bytes: Uint8Array,
  spec: ModelSpec,
  options: ParallelRunnerOptions = {},
): Promise<ModelRunner> {
  const count = options.workers ?? Math.min(8, os.availableParallelism());
  if (fixedBatchSize(spec.signature.inputs) !== null || count < 1) return prepareRunner(bytes, spec, options);
  const pieceRows = options.dispatchRows ?? DISPATCH_ROWS;
  // One feeder for every piece: no piece holds more than pieceRows rows.
  const { featureColumns, feeder } = modelFeeder(spec, options.defaultFeatureColumns ?? null, pieceRows);

  const data: ScoringWorkerData = {
    model: bytes,
    spec,
    chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS,
  };
  const pool = new BufferPool();
  const starting = Array.from({ length: count }, () => startScoringWorker(data, pool));
  // Settled now, so that a thread failing before the first run raises no unhandled rejection.
  const ready = Promise.allSettled(starting);
  let workers: ScoringWorker[] | null = null;
  let nextId = 0;
  let closed = false;

  const started = async (): Promise<ScoringWorker[]> => {
    if (workers) return workers;
    const outcomes = await ready;
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    workers = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<ScoringWorker>).value);
    return workers;
  };

  return {
    spec,
    featureColumns,
    checkSchema: (schema) => checkSchema(feeder.uses, schema),
    run(batch: TableBatch): Promise<Predictions> {
      if (closed) return Promise.reject(new InvalidStateError('the model runner is closed'));
      const pieces: { rows: number; inputs: InputData[] }[] = [];
      try {
        for (let start = 0; start < batch.length || pieces.length === 0; start += pieceRows) {
          const piece = sliceBatch(batch, start, Math.min(batch.length, start + pieceRows));
          pieces.push({ rows: piece.length, inputs: batchInputs(feeder, piece, pool) });
        }
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return started().then(async (all) => {
        const scored = pieces.map(({ rows, inputs }) => {
          const worker = all.reduce((least, candidate) =>
            candidate.pending < least.pending ? candidate : least,
          );
          return worker.score({ id: nextId++, rows, inputs });
        });
        return joinPredictions(await Promise.all(scored), batch.length);
      });
    },
    async close() {
      closed = true;
      const outcomes = await ready;
      await Promise.all(
        outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.close() : undefined)),
      );
    },
  };
}

/**
 * Every input for every row of the batch, copied out of the feeder's buffers into pooled ones of
 * their own (they travel to a worker and come back with its answer).
 */
function batchInputs(feeder: InputFeeder, batch: TableBatch, pool: BufferPool): InputData[] {
  const feeds: Record<string, Tensor> = feeder.bind(batch).feeds(0, batch.length, batch.length);
  return Object.entries(feeds).map(([name, tensor]) => {
    const data = tensor.data as InputData['data'];
    return { name, dims: [...tensor.dims], data: Array.isArray(data) ? [...data] : pool.copy(data) };
  });
}

/** The predictions of consecutive pieces as those of the whole batch. */
function joinPredictions(parts: readonly Predictions[], length: number): Predictions {
  if (parts.length === 1) return parts[0] as Predictions;
  const first = parts[0] as Predictions;
  const join = <T extends Int32Array | Float32Array | Float64Array>(
    pick: (part: Predictions) => T | undefined,
    make: (size: number) => T,
  ): T | undefined => {
    if (pick(first) === undefined) return undefined;
    const whole = make(parts.reduce((sum, part) => sum + (pick(part)?.length ?? 0), 0));
    let at = 0;
    for (const part of parts) {
      const values = pick(part) as T;
      (whole as Float64Array).set(values as unknown as Float64Array, at);
      at += values.length;
    }
    return whole;
  };
  const labels = join(
    (part) => part.labels,
    (size) => new Int32Array(size),
  );
  const probabilities = join(
    (part) => part.probabilities,
    (size) => new Float32Array(size),
  );
  const values = join(
    (part) => part.values,
    (size) => new Float64Array(size),
  );
  return {
    length,
    ...(labels ? { labels } : {}),
    ...(probabilities ? { probabilities } : {}),
    ...(first.classCount !== undefined ? { classCount: first.classCount } : {}),
    ...(values ? { values } : {}),
  };
}
