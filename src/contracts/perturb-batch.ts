import type { Column, ColumnType, TableBatch } from '../datasets/dataset-table.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Perturbation } from './contract-definition.js';

/**
 * A batch with one column changed as a contract's invariance or direction check says: `add` and
 * `scale` move numbers (missing values stay missing), `set` gives every row one value, `replace`
 * swaps one value for another. Other columns are shared, not copied.
 */
export function perturbBatch(batch: TableBatch, column: string, perturbation: Perturbation): TableBatch {
  const original = batch.columns.get(column);
  // The model does not read the column: changing it cannot change anything.
  if (!original) return batch;
  const columns = new Map(batch.columns);
  columns.set(column, perturbColumn(original, perturbation));
  return { ...batch, columns };
}

/** Refuses, before any row is scored, a perturbation that does not fit the column's type. */
export function checkPerturbation(column: string, type: ColumnType, perturbation: Perturbation): void {
  if ('add' in perturbation || 'scale' in perturbation) {
    if (type !== 'float64') {
      const kind = 'add' in perturbation ? 'add' : 'scale';
      throw new InvalidParameterError(
        `Column '${column}' holds ${typeName(type)}: '${kind}' needs a numeric column`,
      );
    }
    return;
  }
  const values =
    'set' in perturbation ? [perturbation.set] : [perturbation.replace.from, perturbation.replace.to];
  for (const value of values) {
    if (!fits(value, type)) {
      throw new InvalidParameterError(
        `Column '${column}' holds ${typeName(type)}: ${JSON.stringify(value)} is not one of them`,
      );
    }
  }
}

function perturbColumn(column: Column, perturbation: Perturbation): Column {
  const { values } = column;
  if (values instanceof Float64Array) {
    const out = new Float64Array(values.length);
    if ('add' in perturbation)
      for (let i = 0; i < out.length; i += 1) out[i] = (values[i] as number) + perturbation.add;
    else if ('scale' in perturbation)
      for (let i = 0; i < out.length; i += 1) out[i] = (values[i] as number) * perturbation.scale;
    else if ('set' in perturbation) out.fill(perturbation.set as number);
    else {
      const { from, to } = perturbation.replace;
      for (let i = 0; i < out.length; i += 1)
        out[i] = values[i] === from ? (to as number) : (values[i] as number);
    }
    return { ...column, values: out };
  }
  if (values instanceof Uint8Array) {
    if ('set' in perturbation) {
      return { ...column, values: new Uint8Array(values.length).fill(perturbation.set ? 1 : 0), valid: null };
    }
    if (!('replace' in perturbation)) return column;
    const from = perturbation.replace.from ? 1 : 0;
    const to = perturbation.replace.to ? 1 : 0;
    const out = Uint8Array.from(values, (value, i) =>
      value === from && (!column.valid || column.valid[i]) ? to : value,
    );
    return { ...column, values: out };
  }
  if ('set' in perturbation)
    return { ...column, values: new Array<string | null>(values.length).fill(String(perturbation.set)) };
  if (!('replace' in perturbation)) return column;
  const { from, to } = perturbation.replace;
  return { ...column, values: values.map((value) => (value === from ? String(to) : value)) };
}

function fits(value: number | string | boolean, type: ColumnType): boolean {
  if (type === 'float64') return typeof value === 'number';
  if (type === 'bool') return typeof value === 'boolean';
  return typeof value === 'string';
}

function typeName(type: ColumnType): string {
  return type === 'float64' ? 'numbers' : type === 'bool' ? 'booleans' : 'text';
}
