/**
 * Large buffers in shared memory (SharedArrayBuffer), handed out and taken back for reuse.
 *
 * Why shared: worker threads read such memory in place, where an ArrayBuffer must be copied or
 * transferred to them. Why pooled: a scan of a large dataset goes through hundreds of MB of record
 * batches, and new memory costs twice, the kernel zeroing every page on first touch and V8 starting
 * a full garbage collection for every few MB of ArrayBuffer memory that outlives a scavenge (it
 * counts it against a small heap's limit). Reused shared memory costs neither; V8 does not count
 * it, which is also why the pool bounds what it keeps and lets go of it once idle.
 */
export class SharedMemoryPool {
  /** Free buffers, by capacity. */
  private readonly free = new Map<number, SharedArrayBuffer[]>();
  private freeBytes = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  /**
   * @param maxFreeBytes memory kept for reuse at most (what a scan holds in flight fits many times)
   * @param idleMs free memory is let go after this long without a take() or give()
   */
  constructor(
    private readonly maxFreeBytes = 256 * MIB,
    private readonly idleMs = 30_000,
  ) {}

  /**
   * `bytes` bytes of shared memory, zeroed or not, the caller's until it gives them back: free
   * memory that fits without wasting more than a quarter, else new memory.
   */
  take(bytes: number): Uint8Array {
    const capacity = capacityFor(bytes);
    let fit: number | null = null;
    for (const [size, list] of this.free) {
      if (list.length > 0 && size >= capacity && size <= capacity * 1.25 && (fit === null || size < fit)) {
        fit = size;
      }
    }
    const reused = fit === null ? undefined : this.free.get(fit)?.pop();
    if (reused === undefined) return new Uint8Array(new SharedArrayBuffer(capacity), 0, bytes);
    this.freeBytes -= reused.byteLength;
    this.touch();
    return new Uint8Array(reused, 0, bytes);
  }

  /** Takes back memory from take(); past the pool's limit it is left to the garbage collector. */
  give(memory: Uint8Array): void {
    const buffer = memory.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) return;
    const capacity = buffer.byteLength;
    if (capacity !== capacityFor(capacity) || this.freeBytes + capacity > this.maxFreeBytes) return;
    const list = this.free.get(capacity) ?? [];
    list.push(buffer);
    this.free.set(capacity, list);
    this.freeBytes += capacity;
    this.touch();
  }

  /** Bytes kept for reuse now. */
  get retainedBytes(): number {
    return this.freeBytes;
  }

  /** Lets go of every free buffer. */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private touch(): void {
    if (this.idleTimer !== null) this.idleTimer.refresh();
    else if (this.freeBytes > 0) {
      // Never keeps a process alive: the memory is only worth keeping while scans go on.
      this.idleTimer = setTimeout(() => this.clear(), this.idleMs).unref();
    }
  }
}

const MIB = 1024 * 1024;

/**
 * Capacities come in steps (whole MiB, and past 8 MiB eighths of a power of two) so that record
 * batches of slightly different sizes reuse each other's memory.
 */
function capacityFor(bytes: number): number {
  if (bytes <= MIB) return MIB;
  const step = 2 ** Math.max(20, Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/** The process's pool: scans in one process share what earlier scans let go. */
export const sharedMemory = new SharedMemoryPool();
