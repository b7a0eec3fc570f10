import type { Tensor } from 'onnxruntime-node';
import type { Column, TableBatch } from '../datasets/dataset-table.js';
import { missingColumn, type InputTarget } from './model-input-error.js';

/** A table column feeding (part of) a model input. */
export interface ColumnUse {
  readonly column: string;
  readonly target: InputTarget;
}

/** onnxruntime feeds for rows of one batch. */
export interface BatchFeed {
  /**
   * Feeds for rows [start, start + count) of the batch, valid until the next call. Tensors hold
   * `fed` rows (at least `count`): a model with a fixed batch size gets whole batches, the rows past
   * `count` filled with whatever the buffers hold, their predictions dropped.
   */
  feeds(start: number, count: number, fed: number): Record<string, Tensor>;
}

/** Turns table batches into model inputs, for one model and one way of feeding it. */
export interface InputFeeder {
  /** Every column read, with the input it feeds. */
  readonly uses: readonly ColumnUse[];
  /** Checks the batch holds every column needed (else a ModelInputError listing its columns). */
  bind(batch: TableBatch): BatchFeed;
}

export function requireColumn(batch: TableBatch, use: ColumnUse): Column {
  const column = batch.columns.get(use.column);
  if (!column) throw missingColumn(use.column, batch.columns.keys(), use.target);
  return column;
}
