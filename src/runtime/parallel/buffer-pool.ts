import { FEED_ARRAYS, type FeedBuffer, type FeedBuffers, type FeedType } from '../feed-buffers.js';

/**
 * Memory for pieces of batches on their way to a lane and back. Every piece needs buffers of its own
 * (a worker's are transferred, not shared); feeders write into memory taken from the pool, and the
 * lanes give it back once scored. Reusing it spares the garbage collections that tens of MB of new
 * external memory per second set off.
 */
export class BufferPool implements FeedBuffers {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private freeBytes = 0;

  /**
   * @param maxFreeBytes memory kept for reuse: at least what the pieces in flight hold (dozens of
   * pieces of about a megabyte each when an evaluation reads ahead), or new memory is mapped,
   * zeroed and unmapped for every piece.
   */
  constructor(private readonly maxFreeBytes = 128 * 1024 * 1024) {}

  /** Memory of the caller's own for `length` values: it comes back with give(). */
  take(_slot: number, type: FeedType, length: number): FeedBuffer {
    const Type = FEED_ARRAYS[type];
    const bytes = length * Type.BYTES_PER_ELEMENT;
    const buffer = this.free.get(bytes)?.pop();
    if (buffer === undefined) return new Type(length);
    this.freeBytes -= bytes;
    return new Type(buffer, 0, length);
  }

  /** Takes back buffers, as long as the pool holds less than its limit. */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      if (this.freeBytes + buffer.byteLength > this.maxFreeBytes) continue;
      const list = this.free.get(buffer.byteLength) ?? [];
      list.push(buffer);
      this.free.set(buffer.byteLength, list);
      this.freeBytes += buffer.byteLength;
    }
  }
}
