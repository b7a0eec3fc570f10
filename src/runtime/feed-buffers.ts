/** The element types a table can feed through a typed array (text goes as an array of strings). */
export type FeedType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

export type FeedBuffer = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Where a feeder writes each chunk's values. */
export interface FeedBuffers {
  /** Memory for `length` values of the feeder's input number `slot`, of its element type. */
  take(slot: number, type: FeedType, length: number): FeedBuffer;
}

/** A typed array of the feed type. */
export function allocateFeed(type: FeedType, length: number): FeedBuffer {
  switch (type) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'bool':
      return new Uint8Array(length);
  }
}

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
        buffer = allocateFeed(type, length);
        buffers.set(slot, buffer);
      }
      return buffer.length === length ? buffer : buffer.subarray(0, length);
    },
  };
}

/** Whether a model input's element type is fed through a typed array. */
export function isFeedType(type: string): type is FeedType {
  return type === 'float32' || type === 'float64' || type === 'int32' || type === 'int64' || type === 'bool';
}
