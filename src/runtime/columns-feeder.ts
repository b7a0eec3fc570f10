import type { Tensor } from 'onnxruntime-node';
import { ort } from './onnxruntime.js';
import type { Column, TableBatch } from '../datasets/dataset-table.js';
import {
  readStrings,
  writeBigInts,
  writeBools,
  writeNumbers,
  type NumberBuffer,
  type RowRange,
} from './column-conversion.js';
import { reusedFeedBuffers, type FeedBuffers } from './feed-buffers.js';
import { requireColumn, type InputFeeder } from './input-feeder.js';
import type { TensorSpec } from './model-spec.js';

type ChunkTensor = (column: Column, rows: RowRange, fed: number) => Tensor;

/**
 * Feeds pipeline-style models: one `[N, 1]` (or `[N]`) input per column, matched by name, each
 * converted to the input's own element type, in memory from `buffers` (by default one buffer per
 * input, filled again for every chunk).
 */
export function columnsFeeder(
  inputs: readonly TensorSpec[],
  buffers: FeedBuffers = reusedFeedBuffers(),
): InputFeeder {
  const uses = inputs.map((input) => ({
    column: input.name,
    target: { input: input.name, type: input.type },
  }));
  const makers = inputs.map((input, slot) => chunkTensor(input, slot, buffers));
  return {
    uses,
    bind(batch: TableBatch) {
      const columns = uses.map((use) => requireColumn(batch, use));
      return {
        feeds(start, count, fed) {
          const rows = { rowOffset: batch.offset, rowNumbers: batch.rowNumbers, start, count };
          const feeds: Record<string, Tensor> = {};
          inputs.forEach((input, index) => {
            feeds[input.name] = (makers[index] as ChunkTensor)(columns[index] as Column, rows, fed);
          });
          return feeds;
        },
      };
    },
  };
}

function chunkTensor(input: TensorSpec, slot: number, buffers: FeedBuffers): ChunkTensor {
  const target = { input: input.name, type: input.type };
  const dims = (fed: number): number[] => (input.shape.length === 1 ? [fed] : [fed, 1]);
  switch (input.type) {
    case 'float32':
    case 'float64':
    case 'int32': {
      const type = input.type;
      return (column, rows, fed) => {
        const buffer = buffers.take(slot, type, fed) as NumberBuffer;
        writeNumbers(column, rows, target, input.type === 'int32', { out: buffer, offset: 0, stride: 1 });
        // The element type follows from the typed array.
        return new ort.Tensor(buffer, dims(fed));
      };
    }
    case 'int64': {
      return (column, rows, fed) => {
        const buffer = buffers.take(slot, 'int64', fed) as BigInt64Array;
        writeBigInts(column, rows, target, { out: buffer, offset: 0, stride: 1 });
        return new ort.Tensor('int64', buffer, dims(fed));
      };
    }
    case 'bool': {
      return (column, rows, fed) => {
        const buffer = buffers.take(slot, 'bool', fed) as Uint8Array;
        writeBools(column, rows, target, buffer);
        return new ort.Tensor('bool', buffer, dims(fed));
      };
    }
    case 'string':
      return (column, rows, fed) => {
        const strings = readStrings(column, rows, target);
        while (strings.length < fed) strings.push('');
        return new ort.Tensor('string', strings, dims(fed));
      };
    default:
      throw new Error(`input of type ${input.type}: not fed from a table`);
  }
}
