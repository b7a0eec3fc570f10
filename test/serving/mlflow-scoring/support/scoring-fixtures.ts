import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { NamedTensor, TensorData, TensorType } from '../../../../src/serving/named-tensor.js';
import { inspectModel } from '../../../../src/runtime/inspect-model.js';
import { prepareRunner } from '../../../../src/runtime/model-runner.js';
import type { ModelSpec, Predictions } from '../../../../src/runtime/model-spec.js';
import type { ModelOverrides } from '../../../../src/runtime/model-roles.js';
import { openSession } from '../../../../src/runtime/onnx-session.js';
import { ort } from '../../../../src/runtime/onnxruntime.js';
import {
  featureColumns,
  fixtureBytes,
  readFixtureCsv,
  tableBatch,
  type FixtureTable,
} from '../../../runtime/support/fixture-tables.js';

export { featureColumns, readFixtureCsv, type FixtureTable };

/** A fixture model as registration records it, with a session to score decoded requests on. */
export interface LoadedModel {
  readonly bytes: Buffer;
  readonly spec: ModelSpec;
  readonly session: InferenceSession;
}

export async function loadModel(
  folder: string,
  file: string,
  overrides: ModelOverrides = {},
): Promise<LoadedModel> {
  const bytes = fixtureBytes(folder, file);
  // As src/registry/model-registration-files.ts builds a version's spec.
  const spec = await inspectModel(bytes, overrides);
  return { bytes, spec, session: await openSession(bytes) };
}

/** Runs decoded inputs as the serving threads will: the named tensors handed to onnxruntime as they are. */
export async function runInputs(model: LoadedModel, inputs: readonly NamedTensor[]): Promise<NamedTensor[]> {
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) {
    feeds[input.name] = new ort.Tensor(input.type, input.data as never, [...input.dims]);
  }
  const results = await model.session.run(feeds);
  return model.spec.signature.outputs.map((output) => {
    const tensor = results[output.name] as Tensor;
    return {
      name: output.name,
      type: tensor.type as TensorType,
      dims: [...tensor.dims],
      data: tensor.data as TensorData,
    };
  });
}

/** The same rows scored by the evaluation path: a TableBatch through prepareRunner. */
export async function evaluationPredictions(
  model: LoadedModel,
  rows: readonly Record<string, string>[],
  columns: readonly string[],
  defaultFeatureColumns: readonly string[] | null = null,
): Promise<Predictions> {
  const runner = await prepareRunner(model.bytes, model.spec, { defaultFeatureColumns });
  try {
    return await runner.run(tableBatch(rows, columns));
  } finally {
    await runner.close();
  }
}

/** Session outputs in the runner's terms, to compare element for element. */
export function asPredictions(model: LoadedModel, outputs: readonly NamedTensor[]): Predictions {
  const byName = new Map(outputs.map((output) => [output.name, output]));
  const { spec } = model;
  const rows = outputs[0]?.dims[0] ?? 0;
  if (spec.task === 'regression') {
    const value = byName.get(spec.valueOutput as string) as NamedTensor;
    return { length: rows, values: Float64Array.from(value.data as Float32Array) };
  }
  const label = byName.get(spec.labelOutput as string) as NamedTensor;
  const probabilities = byName.get(spec.probabilitiesOutput as string) as NamedTensor;
  return {
    length: rows,
    labels: Int32Array.from(label.data as BigInt64Array, (value) => Number(value)),
    probabilities: Float32Array.from(probabilities.data as Float32Array),
    classCount: probabilities.dims[1] as number,
  };
}

/** A column's cells as JSON values: numbers where every cell of the column reads as one, else text. */
export function jsonCells(
  rows: readonly Record<string, string>[],
  columns: readonly string[],
): (string | number | null)[][] {
  const numeric = new Set(
    columns.filter((name) => rows.every((row) => row[name] !== '' && Number.isFinite(Number(row[name])))),
  );
  return rows.map((row) =>
    columns.map((name) => {
      const cell = row[name] ?? '';
      if (cell === '') return null;
      return numeric.has(name) ? Number(cell) : cell;
    }),
  );
}

/** The rows as `dataframe_records`: one object per row, the columns' JSON cells by name. */
export function recordCells(
  rows: readonly Record<string, string>[],
  columns: readonly string[],
): Record<string, string | number | null>[] {
  return jsonCells(rows, columns).map((cells) =>
    Object.fromEntries(columns.map((name, at) => [name, cells[at] ?? null])),
  );
}

export function csvText(rows: readonly Record<string, string>[], columns: readonly string[]): string {
  return [columns.join(','), ...rows.map((row) => columns.map((name) => row[name] ?? '').join(','))].join(
    '\n',
  );
}

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
