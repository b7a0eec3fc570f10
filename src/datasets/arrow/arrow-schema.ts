import { Bool, Field, Float64, Schema, Utf8, type DataType } from 'apache-arrow';
import type { ColumnType } from '../dataset-table.js';

/** The Arrow schema of stored datasets: nullable Float64, Utf8 and Bool columns. */
export function arrowSchema(names: readonly string[], types: readonly ColumnType[]): Schema {
  return new Schema(names.map((name, i) => new Field(name, arrowType(types[i] ?? 'string'), true)));
}

function arrowType(type: ColumnType): DataType {
  if (type === 'float64') return new Float64();
  if (type === 'bool') return new Bool();
  return new Utf8();
}
