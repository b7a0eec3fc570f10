import type { DatasetSchema } from '../datasets/dataset-table.js';
import type { ColumnUse } from './input-feeder.js';
import { missingColumn, wrongColumnType } from './model-input-error.js';

/**
 * What can be refused from a dataset's schema alone: missing columns, and column types no value of
 * which an input could take (text for a bool input, booleans for a string input). Values that may or
 * may not convert (text in a numeric input, fractions in an int input) are checked row by row.
 */
export function checkSchema(uses: readonly ColumnUse[], schema: DatasetSchema): void {
  const types = new Map(schema.columns.map((column) => [column.name, column.type]));
  for (const use of uses) {
    const type = types.get(use.column);
    if (type === undefined) throw missingColumn(use.column, types.keys(), use.target);
    if (use.target.type === 'bool' && type === 'string')
      throw wrongColumnType(use.column, 'text', use.target);
    if (use.target.type === 'string' && type === 'bool')
      throw wrongColumnType(use.column, 'booleans', use.target);
  }
}
