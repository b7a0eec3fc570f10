import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Table } from 'apache-arrow';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { readArtifactBytes } from '../artifacts/read-artifact-bytes.js';
import { arrow } from '../datasets/arrow/apache-arrow.js';
import { ArrowFileEncoder } from '../datasets/arrow/arrow-file-encoder.js';

/**
 * Everything an evaluation saw and produced, row by row: which dataset rows were scored (their row
 * numbers, after any `where`), the true label, the model's outputs, and which slices each row is in.
 * Stored as one Arrow IPC file, so diffs and checks read typed arrays and never re-run a model.
 */
export interface EvaluationOutputs {
  readonly length: number;
  /** Row numbers in the dataset. */
  readonly rows: Float64Array;
  /** The label column (class index, or the regression target); NaN where missing. Null without a label. */
  readonly truth: Float64Array | null;
  readonly labels?: Int32Array;
  /** Row-major [length x classCount]. */
  readonly probabilities?: Float32Array;
  readonly classCount?: number;
  readonly values?: Float64Array;
  /** Slice name -> 1 where the row is in the slice. */
  readonly slices: ReadonlyMap<string, Uint8Array>;
}

const SLICE_PREFIX = 'slice:';

/** The columns of rows [from, to) of the outputs, as the stored file holds them. */
function outputColumns(
  outputs: EvaluationOutputs,
  from: number,
  to: number,
): Record<string, Float64Array | Float32Array | Int32Array | Uint8Array> {
  const columns: Record<string, Float64Array | Float32Array | Int32Array | Uint8Array> = {
    row: outputs.rows.subarray(from, to),
  };
  if (outputs.truth) columns.truth = outputs.truth.subarray(from, to);
  if (outputs.labels) columns.label = outputs.labels.subarray(from, to);
  if (outputs.probabilities && outputs.classCount) {
    // One column per class: Arrow stores them compactly and each reads back as a Float32Array.
    const { probabilities, classCount } = outputs;
    for (let k = 0; k < classCount; k += 1) {
      const column = new Float32Array(to - from);
      for (let i = from, j = 0; i < to; i += 1, j += 1)
        column[j] = probabilities[i * classCount + k] as number;
      columns[`p${k}`] = column;
    }
  }
  if (outputs.values) columns.value = outputs.values.subarray(from, to);
  for (const [name, mask] of outputs.slices) columns[`${SLICE_PREFIX}${name}`] = mask.subarray(from, to);
  return columns;
}

/**
 * The outputs file, written as the evaluation goes: each scored batch is appended as a record
 * batch, so that when the last is scored the file is all but complete. Nothing is left behind
 * when it is aborted (the artifact store writes all or nothing).
 */
export class EvaluationOutputsWriter {
  private readonly body = new PassThrough();
  private readonly encoder = new ArrowFileEncoder();
  private readonly written: Promise<unknown>;
  private started = false;

  constructor(store: ArtifactStore, path: string) {
    this.written = store.write(path, this.body, { maxBytes: Number.MAX_SAFE_INTEGER });
    // Seen by finish() or abort(): never an unhandled rejection meanwhile.
    this.written.catch(() => undefined);
  }

  /**
   * Appends rows [from, to) of `outputs` (which must not change afterwards). The first call may
   * append no rows: the file then holds the columns of an evaluation that scored none.
   */
  async append(outputs: EvaluationOutputs, from: number, to: number): Promise<void> {
    if (to <= from && this.started) return;
    const [batch] = arrow.tableFromArrays(outputColumns(outputs, from, to)).batches;
    if (!batch) return;
    this.started = true;
    await this.send(this.encoder.write(batch));
  }

  /** Completes the file; `outputs` gives the columns when no row was appended. */
  async finish(outputs: EvaluationOutputs): Promise<void> {
    if (!this.started) await this.append(outputs, 0, 0);
    await this.send(this.encoder.finish());
    this.body.end();
    await this.written;
  }

  /** Stops writing; the store removes what it had. */
  async abort(error: Error): Promise<void> {
    this.body.destroy(error);
    await this.written.catch(() => undefined);
  }

  private async send(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      if (!this.body.write(chunk)) await once(this.body, 'drain');
    }
  }
}

export async function readEvaluationOutputs(store: ArtifactStore, path: string): Promise<EvaluationOutputs> {
  // One read into one buffer (a diff reads two of these at once).
  const table = arrow.tableFromIPC(await readArtifactBytes(store, path));
  const length = table.numRows;
  const classColumns = table.schema.fields.map((field) => field.name).filter((name) => /^p\d+$/.test(name));
  const slices = new Map<string, Uint8Array>();
  for (const field of table.schema.fields) {
    if (field.name.startsWith(SLICE_PREFIX))
      slices.set(field.name.slice(SLICE_PREFIX.length), column(table, field.name, Uint8Array));
  }
  let probabilities: Float32Array | undefined;
  if (classColumns.length > 0) {
    const classCount = classColumns.length;
    probabilities = new Float32Array(length * classCount);
    for (let k = 0; k < classCount; k += 1) {
      const values = column(table, `p${k}`, Float32Array);
      for (let i = 0; i < length; i += 1) probabilities[i * classCount + k] = values[i] as number;
    }
  }
  return {
    length,
    rows: column(table, 'row', Float64Array),
    truth: table.getChild('truth') ? column(table, 'truth', Float64Array) : null,
    ...(table.getChild('label') ? { labels: column(table, 'label', Int32Array) } : {}),
    ...(probabilities ? { probabilities, classCount: classColumns.length } : {}),
    ...(table.getChild('value') ? { values: column(table, 'value', Float64Array) } : {}),
    slices,
  };
}

type TypedArrayConstructor<T> = { new (length: number): T; from(values: ArrayLike<number>): T };

/** A column as a typed array of its own type (copied when Arrow split it into several chunks). */
function column<T extends Float64Array | Float32Array | Int32Array | Uint8Array>(
  table: Table,
  name: string,
  type: TypedArrayConstructor<T>,
): T {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`evaluation outputs lack column '${name}'`);
  const values = vector.toArray() as unknown;
  return values instanceof (type as unknown as typeof Float64Array)
    ? (values as T)
    : type.from(values as ArrayLike<number>);
}
