import { InvalidParameterError } from '../../errors/assay-error.js';

/**
 * A row subset over arrays of one length: a non-zero byte includes the row, 0 leaves it out. Slices and
 * `--where` filters are masks so that per-slice numbers read the same arrays instead of copying rows.
 * `null`/`undefined` means every row.
 */
export type RowMask = Uint8Array;

/** Throws unless `mask` (when given) has one entry per row. */
export function checkMask(mask: RowMask | null | undefined, rows: number): void {
  if (mask != null && mask.length !== rows) {
    throw new InvalidParameterError(`Row mask has ${mask.length} entries but there are ${rows} rows.`);
  }
}

/** Number of rows a mask includes (all of them without a mask). */
export function countIncluded(mask: RowMask | null | undefined, rows: number): number {
  if (mask == null) return rows;
  let n = 0;
  for (let i = 0; i < rows; i++) if (mask[i] !== 0) n++;
  return n;
}
