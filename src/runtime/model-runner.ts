import type { DatasetSchema, TableBatch } from '../datasets/dataset-table.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import { columnsFeeder } from './columns-feeder.js';
import { notTabular } from './model-roles.js';
import type { InputFeeder } from './input-feeder.js';
import { checkSchema } from './input-schema-check.js';
import type { ModelSpec, Predictions, TensorSpec } from './model-spec.js';
import { openSession } from './onnx-session.js';
import { scoreInChunks } from './prediction-collector.js';
import { tensorFeeder } from './tensor-feeder.js';

/** Rows per onnxruntime call unless the caller says otherwise. */
export const DEFAULT_CHUNK_ROWS = 1024;

export interface RunnerOptions {
  /**
   * Tensor mode, when the spec records no feature columns: the columns to use instead, in order
   * (by convention the dataset's columns except its id and label, in file order).
   */
  readonly defaultFeatureColumns?: readonly string[] | null | undefined;
  /** Rows per onnxruntime call (DEFAULT_CHUNK_ROWS); a model with a fixed batch size gets its own. */
  readonly chunkRows?: number | undefined;
}

/** A loaded model, ready to score table batches. Holds no global state: one per worker thread is fine. */
export interface ModelRunner {
  readonly spec: ModelSpec;
  /** Tensor mode: the columns fed, in order; null in columns mode. */
  readonly featureColumns: readonly string[] | null;
  /**
   * Rows the runner scores as one piece, when it splits batches: a caller with more rows at hand
   * hands them over in pieces of this size and gets each piece's predictions as they are, not joined.
   */
  readonly pieceRows?: number | undefined;
  /** Refuses, before any row is read, a dataset lacking a column the model needs or holding one of a kind it cannot take. */
  checkSchema(schema: DatasetSchema): void;
  /**
   * Scores every row of the batch. The batch must stay as it is until the promise settles (the
   * runner reads its columns as it scores); then its memory may be reused.
   */
  run(batch: TableBatch): Promise<Predictions>;
  close(): Promise<void>;
}

/**
 * Loads the model for scoring. onnxruntime's `run` blocks the calling thread for each chunk, which
 * suits evaluations; latency-bound callers run this in a worker thread.
 */
export async function prepareRunner(
  bytes: Uint8Array,
  spec: ModelSpec,
  options: RunnerOptions = {},
): Promise<ModelRunner> {
  const requested = chunkRowsOf(options);
  // Models exported with a fixed batch size (e.g. [1, F]) take exactly that many rows per call.
  const fixedBatch = fixedBatchSize(spec.signature.inputs);
  const chunkRows = fixedBatch ?? requested;
  const { feeder, featureColumns } = modelFeeder(spec, options.defaultFeatureColumns ?? null);
  const session = await openSession(bytes);
  let queue: Promise<unknown> = Promise.resolve();

  function score(batch: TableBatch): Promise<Predictions> {
    const bound = feeder.bind(batch);
    return scoreInChunks(session, spec, batch.length, chunkRows, (start, count) =>
      bound.feeds(start, count, fixedBatch ?? count),
    );
  }

  return {
    spec,
    featureColumns,
    checkSchema: (schema) => checkSchema(feeder.uses, schema),
    run(batch) {
      // Feed buffers are shared between calls: a second batch waits for the first.
      const result = queue.then(() => score(batch));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      await queue;
      await session.release();
    },
  };
}

/** The rows per onnxruntime call the options ask for (DEFAULT_CHUNK_ROWS), checked. */
export function chunkRowsOf(options: RunnerOptions): number {
  const rows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new InvalidParameterError(`Rows per model call must be a positive integer, got ${rows}`);
  }
  return rows;
}

/**
 * How table batches become the model's inputs: one [N, F] tensor from the feature columns (the
 * spec's, else `defaultFeatureColumns`), or one [N, 1] input per column, written into memory the
 * feeder reuses from chunk to chunk.
 */
export function modelFeeder(
  spec: ModelSpec,
  defaultFeatureColumns: readonly string[] | null,
): { feeder: InputFeeder; featureColumns: readonly string[] | null } {
  if (spec.inputMode === 'tensors') throw notTabular(spec.signature.inputs);
  const featureColumns = spec.inputMode === 'tensor' ? tensorFeatures(spec, defaultFeatureColumns) : null;
  const feeder =
    featureColumns === null
      ? columnsFeeder(spec.signature.inputs)
      : tensorFeeder(spec.signature.inputs[0] as TensorSpec, featureColumns);
  return { feeder, featureColumns };
}

/** The spec's recorded features, else the caller's default; either must match the input's width. */
function tensorFeatures(spec: ModelSpec, fallback: readonly string[] | null): readonly string[] {
  const input = spec.signature.inputs[0] as TensorSpec;
  const width = input.shape[1];
  const columns = spec.featureColumns ?? fallback;
  if (columns === null) {
    throw new InvalidParameterError(
      `The model's input '${input.name}' takes ${width} feature columns and none were recorded or given`,
    );
  }
  if (columns.length !== width) {
    throw new InvalidParameterError(
      `The model's input '${input.name}' takes ${width} feature columns; the data offers ${columns.length}: ${columns.join(', ')}`,
    );
  }
  return columns;
}

/** The batch dimension when the model fixes it, null when it is symbolic. */
export function fixedBatchSize(inputs: readonly TensorSpec[]): number | null {
  const dim = inputs[0]?.shape[0];
  return typeof dim === 'number' && dim > 0 ? dim : null;
}
