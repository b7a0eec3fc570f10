import type { TensorType } from '../named-tensor.js';

/**
 * Messages between the prediction log (prediction-log-thread-client.ts, on the HTTP thread) and its
 * thread (prediction-log-thread.ts), which does a flush's CPU work: columns, Arrow encoding, and
 * the SQLite id index.
 */

/** One tensor's values over a batch's records, row after row. */
export interface PackedTensor {
  /** `in.NAME` or `out.NAME`: the column, or the prefix of the columns, it becomes. */
  readonly column: string;
  readonly type: TensorType;
  /** Values per row. */
  readonly width: number;
  /** An input's feature names, which name its columns when there are `width` of them. */
  readonly names: readonly string[] | null;
  /** Numeric tensors: the elements as onnxruntime holds them (little-endian), from byte 0. */
  readonly bytes: ArrayBuffer | null;
  readonly byteLength: number;
  /** String tensors: the elements. */
  readonly strings: readonly string[] | null;
}

/** A batch of one source's records, in buffers the thread takes over (transferred, not copied). */
export interface PackedBatch {
  /**
   * Per record: its prediction id (UTF-8, record r's from byte idEnds[r - 1], or 0, to idEnds[r]),
   * rows, time (epoch ms) and latency.
   */
  readonly idBytes: Uint8Array;
  readonly idEnds: Int32Array;
  readonly rowCounts: Int32Array;
  readonly times: Float64Array;
  readonly latencies: Float64Array;
  readonly tensors: readonly PackedTensor[];
}

/**
 * How the thread is to write a batch's id index as it encodes the batch: return it as JSON for
 * the HTTP thread to insert (PostgreSQL: asynchronous I/O there), or insert it itself into a
 * SQLite file (better-sqlite3 would run the inserts on the HTTP thread).
 */
export type IndexRequest =
  { readonly kind: 'json' } | { readonly kind: 'sqlite'; readonly file: string; readonly batchId: string };

/** A batch as one Arrow IPC file, and its id index as asked. */
export interface EncodedFile {
  readonly bytes: Uint8Array;
  readonly rows: number;
  /** Earliest and latest prediction time (epoch ms). */
  readonly firstTime: number;
  readonly lastTime: number;
  /**
   * With an index request of kind `json`: the index rows as JSON arrays `[[id, row, time], ...]`
   * in id order, each at most INDEX_CHUNK_ROWS long (the SQL inserts one per statement).
   */
  readonly index: readonly string[] | null;
  /** With an index request of kind `sqlite`: the index rows are in (the batch's row is not). */
  readonly indexed: boolean;
}

/**
 * Index rows per chunk, in id order: SQLite holds its write lock for one chunk at a time, and each
 * chunk lands in one stretch of the id index.
 */
export const INDEX_CHUNK_ROWS = 512;

export type LogThreadRequest =
  | {
      readonly kind: 'encode';
      readonly id: number;
      readonly batch: PackedBatch;
      readonly index: IndexRequest | null;
    }
  /** Checks an Arrow file sent by another process, and indexes it as asked. */
  | {
      readonly kind: 'inspect';
      readonly id: number;
      readonly bytes: Uint8Array;
      readonly index: IndexRequest | null;
    }
  /** Removes a batch's index rows from the SQLite file (its file or row could not be stored). */
  | { readonly kind: 'unindex'; readonly id: number; readonly file: string; readonly batchId: string };

export type LogThreadReply =
  | { readonly kind: 'encoded'; readonly id: number; readonly file: EncodedFile }
  | { readonly kind: 'unindexed'; readonly id: number }
  /** `invalid`: the input was at fault (an inspected file), not the thread. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string; readonly invalid: boolean };
