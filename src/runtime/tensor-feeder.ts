import ort from 'onnxruntime-node';
import type { Column, TableBatch } from '../datasets/dataset-table.js';
import { allocate, writeBigInts, writeFloat64Quad, writeNumbers } from './column-conversion.js';
import { requireColumn, type ColumnUse, type InputFeeder } from './input-feeder.js';
import type { TensorSpec } from './model-spec.js';

/**
 * Feeds one `[N, F]` input from F columns, in order, into row-major chunks. One buffer, sized for a
 * full chunk, is filled again for every chunk: onnxruntime reads it during the run and keeps nothing.
 */
export function tensorFeeder(
  input: TensorSpec,
  featureColumns: readonly string[],
  chunkSize: number,
): InputFeeder {
  const width = featureColumns.length;
  const target = { input: input.name, type: input.type };
  const uses: ColumnUse[] = featureColumns.map((column) => ({ column, target }));
  const buffer = allocate(input.type, chunkSize * width);
  const integral = input.type === 'int32' || input.type === 'int64';
  const floatBuffer = buffer instanceof Float32Array || buffer instanceof Float64Array ? buffer : null;
  return {
    uses,
    bind(batch: TableBatch) {
      const columns = uses.map((use) => requireColumn(batch, use));
      const quads = floatBuffer === null ? [] : float64Quads(columns);
      return {
        feeds(start, count, fed) {
          const rows = { rowOffset: batch.offset, rowNumbers: batch.rowNumbers, start, count };
          // Plain loops and literal objects: this runs for every column of every chunk.
          let feature = 0;
          if (floatBuffer !== null) {
            for (; feature < quads.length * 4; feature += 4) {
              const quad = quads[feature / 4];
              const place = { out: floatBuffer, offset: feature, stride: width };
              if (quad && writeFloat64Quad(quad, rows, place)) continue;
              // Not four float64 columns, or a missing value: one column at a time.
              for (let next = feature; next < feature + 4; next += 1) {
                writeNumbers(columns[next] as Column, rows, target, false, {
                  out: floatBuffer,
                  offset: next,
                  stride: width,
                });
              }
            }
          }
          for (; feature < width; feature += 1) {
            const column = columns[feature] as Column;
            if (buffer instanceof BigInt64Array) {
              writeBigInts(column, rows, target, { out: buffer, offset: feature, stride: width });
            } else {
              writeNumbers(column, rows, target, integral, { out: buffer, offset: feature, stride: width });
            }
          }
          const data = buffer.subarray(0, fed * width);
          // The element type follows from the typed array.
          return { [input.name]: new ort.Tensor(data, [fed, width]) };
        },
      };
    },
  };
}

type Float64Quad = readonly [Float64Array, Float64Array, Float64Array, Float64Array];

/** The columns in groups of four (a trailing group of fewer is left out); null for a group not all float64. */
function float64Quads(columns: readonly Column[]): (Float64Quad | null)[] {
  const values = (column: Column | undefined): Float64Array | null =>
    column?.type === 'float64' ? (column.values as Float64Array) : null;
  const quads: (Float64Quad | null)[] = [];
  for (let first = 0; first + 4 <= columns.length; first += 4) {
    const [a, b, c, d] = [0, 1, 2, 3].map((index) => values(columns[first + index]));
    quads.push(a && b && c && d ? [a, b, c, d] : null);
  }
  return quads;
}
