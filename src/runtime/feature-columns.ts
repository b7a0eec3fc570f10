import type { DatasetSchema } from '../datasets/dataset-table.js';

/**
 * The feature columns a tensor-mode model gets when its version records none: the dataset's columns
 * in file order, except its id and label columns and its text columns. A column is stored as text
 * only when some value in it is not a number, so no numeric input could take it; leaving such
 * columns out lets a bookkeeping column such as `split` sit beside the features.
 */
export function defaultFeatureColumns(
  schema: DatasetSchema,
  roles: { readonly id?: string | null | undefined; readonly label?: string | null | undefined },
): string[] {
  return schema.columns
    .filter((column) => column.name !== roles.id && column.name !== roles.label && column.type !== 'string')
    .map((column) => column.name);
}
