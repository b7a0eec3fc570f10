type NumericArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * Memory for batches on their way to a worker and back. Every batch needs a few MB of its own
 * (it is transferred, not shared); taking them from a pool rather than allocating them spares the
 * garbage collections that tens of MB of new external memory per second set off.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();

  /** A copy of `data` in pooled memory. */
  copy<T extends NumericArray>(data: T): T {
    const bytes = data.byteLength;
    const buffer = this.free.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
    const Type = data.constructor as { new (buffer: ArrayBuffer, offset: number, length: number): T };
    const copy = new Type(buffer, 0, data.length);
    (copy as unknown as { set(source: T): void }).set(data);
    return copy;
  }

  /** Takes back buffers (sizes seen before are kept; a pool holds a handful per size). */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      const list = this.free.get(buffer.byteLength) ?? [];
      if (list.length < 8) list.push(buffer);
      this.free.set(buffer.byteLength, list);
    }
  }
}
