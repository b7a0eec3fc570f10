/** The element types a table can feed through a typed array (text goes as an array of strings). */
export type FeedType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

export type FeedBuffer = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Where a feeder writes each chunk's values. */
export interface FeedBuffers {
  /** Memory for `length` values of the feeder's input number `slot`, of its element type. */
  take(slot: number, type: FeedType, length: number): FeedBuffer;
}

/** The typed array of each feed type. */
export const FEED_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as const;

/**
 * One buffer per input, filled again for every chunk: onnxruntime reads it during the run and keeps
 * nothing, so a runner on one thread needs no more.
 */
export function reusedFeedBuffers(): FeedBuffers {
  const buffers = new Map<number, FeedBuffer>();
  return {
    take(slot, type, length) {
      let buffer = buffers.get(slot);
      if (buffer === undefined || buffer.length < length) {
        buffer = new FEED_ARRAYS[type](length);
        buffers.set(slot, buffer);
      }
      return buffer.length === length ? buffer : buffer.subarray(0, length);
    },
  };
}
