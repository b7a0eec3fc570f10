import type { DatasetVersion } from '../datasets/dataset-version.js';
import type { Column, TableBatch } from '../datasets/dataset-table.js';
import { copyColumn } from '../datasets/table-batches.js';
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
  readonly onProgress?: ((rowsRead: number, totalRows: number) => void) | undefined;
  /** Called, in order, as each batch's results are collected: rows [from, to) of `outputs`. */
  readonly onCollected?:
    ((outputs: EvaluationOutputs, from: number, to: number) => Promise<void>) | undefined;
}

/** Batches handed to the model before the oldest one's predictions are awaited. */
const IN_FLIGHT = 4;

interface Scored {
  readonly rows: Float64Array;
  readonly label: Column | undefined;
  readonly sliceMasks: ReadonlyMap<string, Uint8Array>;
  /** Never rejects: a failure is carried as `error`, so batches awaited later raise no unhandled rejection. */
  readonly predictions: Promise<{ value?: Predictions; error?: unknown }>;
}

/**
 * Streams a dataset version through a model: each batch is filtered by `where`, handed to the
 * runner, and its row numbers, label and slice membership kept beside the predictions. Several
 * batches are in flight at once, so reading the next batch overlaps with scoring the last one;
 * results are collected in order. Batches are read transient (their memory is reused), so what
 * is kept of a batch is taken before the next is read.
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
  const collect = async (scored: Scored): Promise<void> => {
    const { value, error } = await scored.predictions;
    if (error !== undefined) throw error;
    const from = accumulator.rowCount;
    accumulator.add(scored.rows, scored.label, value as Predictions, scored.sliceMasks);
    await options.onCollected?.(accumulator.current(), from, accumulator.rowCount);
  };
  try {
    let read = 0;
    for await (const batch of dataset.batches({ columns: [...columns], transient: true })) {
      const mask = where ? evaluateExpression(where, batch) : null;
      const count = mask ? countIncluded(mask, mask.length) : batch.length;
      if (count > 0) {
        const rows = rowNumbers(batch, mask, count);
        const filtered = mask ? selectRows(batch, mask, count, rows) : batch;
        const selected = transform ? transform(filtered) : filtered;
        const sliceMasks = new Map<string, Uint8Array>();
        for (const slice of slices) {
          const inSlice = evaluateExpression(slice.expression, batch);
          sliceMasks.set(slice.name, mask ? pick(inSlice, mask, count) : inSlice);
        }
        const label = info.labelColumn ? selected.columns.get(info.labelColumn) : undefined;
        window.push({
          rows,
          label: label && copyColumn(label),
          sliceMasks,
          // The runner takes the batch's data before run() returns.
          predictions: runner.run(selected).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          ),
        });
        if (window.length >= IN_FLIGHT) await collect(window.shift() as Scored);
      }
      read += batch.length;
      onProgress?.(read, info.rowCount);
    }
    while (window.length > 0) await collect(window.shift() as Scored);
    return accumulator.finish();
  } finally {
    // Whatever is still in flight after a failure settles before the runner closes.
    await Promise.all(window.map((scored) => scored.predictions));
  }
}

/** The dataset row numbers of the batch's selected rows. */
function rowNumbers(batch: TableBatch, mask: Uint8Array | null, count: number): Float64Array {
  const rows = new Float64Array(count);
  for (let i = 0, j = 0; i < batch.length; i += 1) if (!mask || mask[i]) rows[j++] = batch.offset + i;
  return rows;
}

function pick(values: Uint8Array, mask: Uint8Array, count: number): Uint8Array {
  const picked = new Uint8Array(count);
  for (let i = 0, j = 0; i < mask.length; i += 1) if (mask[i]) picked[j++] = values[i] as number;
  return picked;
}
