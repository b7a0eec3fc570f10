import { ort } from './onnxruntime.js';
import type { Column, TableBatch } from '../datasets/dataset-table.js';
import { writeBigInts, writeFloat64Quad, writeNumbers, type NumberBuffer } from './column-conversion.js';
import { reusedFeedBuffers, type FeedBuffers, type FeedType } from './feed-buffers.js';
import { requireColumn, type ColumnUse, type InputFeeder } from './input-feeder.js';
import type { TensorSpec } from './model-spec.js';

/** Rows converted together: their slice of the output stays in cache while every column is written. */
const BLOCK_ROWS = 512;

/**
 * Feeds one `[N, F]` input from F columns, in order, into row-major chunks, in memory from
 * `buffers` (by default one buffer filled again for every chunk).
 */
export function tensorFeeder(
  input: TensorSpec,
  featureColumns: readonly string[],
  buffers: FeedBuffers = reusedFeedBuffers(),
): InputFeeder {
  const width = featureColumns.length;
  const target = { input: input.name, type: input.type };
  const uses: ColumnUse[] = featureColumns.map((column) => ({ column, target }));
  const type = tensorType(input.type);
  const integral = type === 'int32' || type === 'int64';
  const float = type === 'float32' || type === 'float64';
  return {
    uses,
    bind(batch: TableBatch) {
      const columns = uses.map((use) => requireColumn(batch, use));
      const quads = float ? float64Quads(columns) : [];
      return {
        feeds(start, count, fed) {
          const buffer = buffers.take(0, type, fed * width);
          // Row blocks: each block's rows are written column by column while they are in cache.
          for (let block = start; block < start + count; block += BLOCK_ROWS) {
            const rows = {
              rowOffset: batch.offset,
              rowNumbers: batch.rowNumbers,
              start: block,
              count: Math.min(BLOCK_ROWS, start + count - block),
            };
            const base = (block - start) * width;
            // Plain loops and literal objects: this runs for every column of every block.
            let feature = 0;
            if (float) {
              const out = buffer as Float32Array | Float64Array;
              for (; feature < quads.length * 4; feature += 4) {
                const quad = quads[feature / 4];
                if (quad && writeFloat64Quad(quad, rows, { out, offset: base + feature, stride: width }))
                  continue;
                // Not four float64 columns, or a missing value: one column at a time.
                for (let next = feature; next < feature + 4; next += 1) {
                  const place = { out, offset: base + next, stride: width };
                  writeNumbers(columns[next] as Column, rows, target, false, place);
                }
              }
            }
            for (; feature < width; feature += 1) {
              const column = columns[feature] as Column;
              const offset = base + feature;
              if (buffer instanceof BigInt64Array) {
                writeBigInts(column, rows, target, { out: buffer, offset, stride: width });
              } else {
                const out = buffer as NumberBuffer;
                writeNumbers(column, rows, target, integral, { out, offset, stride: width });
              }
            }
          }
          // The element type follows from the typed array.
          return { [input.name]: new ort.Tensor(buffer as NumberBuffer | BigInt64Array, [fed, width]) };
        },
      };
    },
  };
}

/** The element types one [N, F] tensor can be fed as. */
function tensorType(type: string): FeedType {
  if (type === 'float32' || type === 'float64' || type === 'int32' || type === 'int64') return type;
  throw new Error(`tensor input of type ${type}: not fed from a table`);
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
