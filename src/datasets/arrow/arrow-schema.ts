import type { DataType, Schema } from 'apache-arrow';
import { arrow } from './apache-arrow.js';
import type { ColumnType } from '../dataset-table.js';

/** The Arrow schema of stored datasets: nullable Float64, Utf8 and Bool columns. */
export function arrowSchema(names: readonly string[], types: readonly ColumnType[]): Schema {
  return new arrow.Schema(
    names.map((name, i) => new arrow.Field(name, arrowType(types[i] ?? 'string'), true)),
  );
}

function arrowType(type: ColumnType): DataType {
  if (type === 'float64') return new arrow.Float64();
  if (type === 'bool') return new arrow.Bool();
  return new arrow.Utf8();
}
