import type { DatasetVersion, LeasedBatch } from '../datasets/dataset-version.js';
import type { TableBatch } from '../datasets/dataset-table.js';
import { sliceBatch } from '../datasets/table-batches.js';
import type { Expression } from '../expression/expression-ast.js';
import { expressionColumns } from '../expression/expression-columns.js';
import { evaluateExpression } from '../expression/expression-evaluate.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { ModelRunner } from '../runtime/model-runner.js';
import type { Predictions } from '../runtime/model-spec.js';
import { EvaluationAccumulator } from './evaluation-accumulator.js';
import type { EvaluationOutputs } from './evaluation-outputs.js';
import { countIncluded } from './metrics/row-mask.js';
import { selectRows } from './select-rows.js';

export interface ScoreOptions {
  readonly where: Expression | null;
  /** Applied to each batch's rows (after `where`) before the model sees them. */
  readonly transform?: ((batch: TableBatch) => TableBatch) | undefined;
  /**
   * Called as the dataset's rows are done: rows read, scored and collected (filtered-out rows count
   * as done once the rows around them are), out of the dataset's row count.
   */
  readonly onProgress?: ((rowsDone: number, totalRows: number) => void) | undefined;
  /** Called, in order, as each batch's results are collected: rows [from, to) of `outputs`. */
  readonly onCollected?:
    ((outputs: EvaluationOutputs, from: number, to: number) => Promise<void>) | undefined;
  /** Rows handed to the model before the oldest piece's predictions are awaited (IN_FLIGHT_ROWS). */
  readonly inFlightRows?: number | undefined;
}

/**
 * Rows handed to the model before the oldest batch's predictions are awaited: enough to keep every
 * lane busy while the next batch is read, few enough that their inputs stay a few dozen MB.
 */
const IN_FLIGHT_ROWS = 131_072;

interface Scored {
  /** Where the piece's rows start in the accumulator. */
  readonly at: number;
  readonly rows: number;
  /**
   * On the last piece of its batch: where the batch started among the outputs (for onCollected),
   * the dataset rows done once it is collected (for onProgress), and the batch whose memory the
   * model no longer reads once it is.
   */
  readonly batchEnd: { readonly start: number; rowsDone: number; readonly lease: LeasedBatch } | null;
  /** Never rejects: a failure is carried as `error`, so batches awaited later raise no unhandled rejection. */
  readonly predictions: Promise<{ value?: Predictions; error?: unknown }>;
}

/**
 * Streams a dataset version through a model: each batch is filtered by `where`, its row numbers,
 * label and slice membership are taken, and its rows are handed to the runner in pieces of the
 * runner's size. Rows stay in flight while the next batches are read, so reading overlaps with
 * scoring; predictions are collected in order. Batches are read into shared memory, which the
 * runner's threads read in place; a batch's memory goes back for reuse once its rows are scored.
 */
export async function scoreDataset(
  runner: ModelRunner,
  dataset: DatasetVersion,
  options: ScoreOptions,
): Promise<EvaluationOutputs> {
  const { where, transform, onProgress } = options;
  const info = dataset.info;
  const slices = info.slices.map((slice) => ({
    name: slice.name,
    expression: parseExpression(slice.predicate),
  }));
  const columns = new Set<string>(
    runner.featureColumns ?? runner.spec.signature.inputs.map((input) => input.name),
  );
  if (info.labelColumn) columns.add(info.labelColumn);
  for (const column of where ? expressionColumns(where) : []) columns.add(column);
  for (const slice of slices) for (const column of expressionColumns(slice.expression)) columns.add(column);

  const accumulator = new EvaluationAccumulator(
    info.rowCount,
    runner.spec.task,
    info.labelColumn,
    slices.map((slice) => slice.name),
  );
  const window: Scored[] = [];
  // Batches read whose memory the runner may still read.
  const leased = new Set<LeasedBatch>();
  const release = (lease: LeasedBatch): void => {
    leased.delete(lease);
    lease.release();
  };
  let inFlight = 0;
  const collect = async (scored: Scored): Promise<void> => {
    inFlight -= scored.rows;
    const { value, error } = await scored.predictions;
    if (error !== undefined) throw error;
    accumulator.add(scored.at, value as Predictions);
    const { batchEnd } = scored;
    if (batchEnd === null) return;
    release(batchEnd.lease);
    await options.onCollected?.(accumulator.current(), batchEnd.start, accumulator.rowCount);
    onProgress?.(batchEnd.rowsDone, info.rowCount);
  };
  try {
    for await (const lease of dataset.sharedBatches([...columns])) {
      leased.add(lease);
      const { batch } = lease;
      const mask = where ? evaluateExpression(where, batch) : null;
      const count = mask ? countIncluded(mask, mask.length) : batch.length;
      if (count > 0) {
        const rows = mask ? rowNumbers(batch, mask, count) : null;
        const filtered = mask ? selectRows(batch, mask, count, rows as Float64Array) : batch;
        const selected = transform ? transform(filtered) : filtered;
        const sliceMasks = new Map<string, Uint8Array>();
        for (const slice of slices)
          sliceMasks.set(slice.name, evaluateExpression(slice.expression, filtered));
        const label = info.labelColumn ? selected.columns.get(info.labelColumn) : undefined;
        const at = accumulator.take(rows ?? batch.offset, count, label, sliceMasks);
        // Pieces of the runner's size come back as they were scored, without being joined first.
        const step = runner.pieceRows ?? count;
        for (let start = 0; start < count; start += step) {
          const end = Math.min(count, start + step);
          const piece = start === 0 && end === count ? selected : sliceBatch(selected, start, end);
          window.push({
            at: at + start,
            rows: end - start,
            batchEnd: end === count ? { start: at, rowsDone: batch.offset + batch.length, lease } : null,
            // The runner reads the piece's columns until its predictions are in.
            predictions: runner.run(piece).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            ),
          });
          inFlight += end - start;
        }
        while (inFlight >= (options.inFlightRows ?? IN_FLIGHT_ROWS)) await collect(window.shift() as Scored);
      } else {
        // Nothing of this batch to score: done when what was read before it is.
        release(lease);
        const last = window.at(-1)?.batchEnd;
        if (last) last.rowsDone = batch.offset + batch.length;
        else onProgress?.(batch.offset + batch.length, info.rowCount);
      }
    }
    while (window.length > 0) await collect(window.shift() as Scored);
    return accumulator.finish();
  } finally {
    // Whatever is still in flight after a failure settles before the runner closes, and before
    // the memory it reads is reused.
    await Promise.all(window.map((scored) => scored.predictions));
    for (const lease of [...leased]) release(lease);
  }
}

/** The dataset row numbers of the batch's selected rows. */
function rowNumbers(batch: TableBatch, mask: Uint8Array | null, count: number): Float64Array {
  const rows = new Float64Array(count);
  for (let i = 0, j = 0; i < batch.length; i += 1) if (!mask || mask[i]) rows[j++] = batch.offset + i;
  return rows;
}
