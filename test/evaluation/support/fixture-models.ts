/**
 * The data fixtures as the tests need them: eval rows per reference.json's `eval_rule`, and each model's
 * outputs computed here with onnxruntime (never read from reference.json).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import ort from 'onnxruntime-node';

export const FIXTURE_ROOT = fileURLToPath(new URL('../../fixtures/data/', import.meta.url));

/** The label column of each dataset (the data README's table). */
const TARGETS: Readonly<Record<string, string>> = {
  breast_cancer: 'target',
  iris: 'target',
  diabetes: 'target',
  bike_sharing: 'cnt',
};

// Not features of the single-tensor models: the README's "every column except id, target, split".
const NON_FEATURES = new Set(['id', 'target', 'split']);

export interface Reference {
  readonly csv: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly eval_rows: number;
  readonly eval_rule: string;
  readonly models: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly diffs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface Fixture {
  readonly name: string;
  readonly reference: Reference;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly target: string;
}

export interface ModelOutputs {
  readonly labels?: Int32Array;
  readonly probabilities?: Float32Array;
  readonly classCount?: number;
  readonly values?: Float64Array;
}

/** One dataset folder: reference.json and the CSV rows its eval rule keeps. */
export function loadFixture(name: string): Fixture {
  const reference = JSON.parse(readFileSync(`${FIXTURE_ROOT}${name}/reference.json`, 'utf8')) as Reference;
  const records = parse(readFileSync(`${FIXTURE_ROOT}${name}/${reference.csv}`), {
    columns: true,
  }) as Record<string, string>[];
  // eval_rule is `column == value` (e.g. "split == eval", "yr == 1"), compared on the CSV text.
  const rule = /^(\w+) == (\S+)$/.exec(reference.eval_rule);
  if (!rule) throw new Error(`Unexpected eval rule ${reference.eval_rule}`);
  const [, column, value] = rule;
  const rows = records.filter((record) => record[column as string] === value);
  const target = TARGETS[name];
  if (target === undefined) throw new Error(`No target known for ${name}`);
  return { name, reference, columns: Object.keys(records[0] ?? {}), rows, target };
}

/** The label column as class indices. */
export function classLabels(fixture: Fixture): Int32Array {
  return Int32Array.from(fixture.rows, (row) => Number(row[fixture.target]));
}

/** The label column as numbers. */
export function numericLabels(fixture: Fixture): Float64Array {
  return Float64Array.from(fixture.rows, (row) => Number(row[fixture.target]));
}

function numberAt(row: Readonly<Record<string, string>>, column: string, index: number): number {
  const text = row[column];
  const value = Number(text);
  if (text === undefined || text === '' || Number.isNaN(value)) {
    throw new Error(`Row ${index}: column ${column} is not a number: ${String(text)}`);
  }
  return value;
}

function feeds(session: ort.InferenceSession, fixture: Fixture): Record<string, ort.Tensor> {
  const n = fixture.rows.length;
  const inputs = session.inputMetadata;
  const first = inputs[0];
  if (inputs.length === 1 && first?.isTensor && first.shape.length === 2 && first.shape[1] !== 1) {
    const features = fixture.columns.filter((column) => !NON_FEATURES.has(column));
    const data = new Float32Array(n * features.length);
    fixture.rows.forEach((row, i) => {
      features.forEach((column, j) => {
        data[i * features.length + j] = numberAt(row, column, i);
      });
    });
    return { [first.name]: new ort.Tensor('float32', data, [n, features.length]) };
  }
  // Pipeline-style: one [N, 1] input per column, named after it, in the input's own type.
  const result: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    if (!input.isTensor) throw new Error(`Input ${input.name} is not a tensor`);
    result[input.name] =
      input.type === 'string'
        ? new ort.Tensor(
            'string',
            fixture.rows.map((row) => row[input.name] ?? ''),
            [n, 1],
          )
        : new ort.Tensor(
            'float32',
            Float32Array.from(fixture.rows, (row, i) => numberAt(row, input.name, i)),
            [n, 1],
          );
  }
  return result;
}

/** Runs one model file of the fixture over its eval rows. */
export async function runModel(fixture: Fixture, modelFile: string): Promise<ModelOutputs> {
  const session = await ort.InferenceSession.create(`${FIXTURE_ROOT}${fixture.name}/${modelFile}`);
  try {
    const outputs = await session.run(feeds(session, fixture));
    const label = outputs.label;
    const probabilities = outputs.probabilities;
    if (label !== undefined && probabilities !== undefined) {
      return {
        labels: Int32Array.from(label.data as BigInt64Array, (value) => Number(value)),
        probabilities: probabilities.data as Float32Array,
        classCount: probabilities.dims[1] as number,
      };
    }
    const variable = outputs.variable;
    if (variable === undefined) throw new Error(`${modelFile}: no label/probabilities or variable output`);
    return { values: Float64Array.from(variable.data as Float32Array) };
  } finally {
    await session.release();
  }
}

/** "old -> new" diff names of reference.json as the two model files. */
export function diffPair(name: string): [string, string] {
  const parts = name.split(' -> ');
  if (parts.length !== 2) throw new Error(`Unexpected diff name ${name}`);
  return [parts[0] as string, parts[1] as string];
}
