import { describe, expect, it } from 'vitest';
import { SharedMemoryPool } from '../../src/util/shared-memory-pool.js';

const MIB = 1024 * 1024;

describe('shared memory pool', () => {
  it('hands out shared memory of the size asked, and reuses what comes back', () => {
    const pool = new SharedMemoryPool();
    const first = pool.take(3 * MIB + 5);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(first.byteLength).toBe(3 * MIB + 5);
    pool.give(first);
    expect(pool.retainedBytes).toBe(first.buffer.byteLength);
    // A little smaller still fits the same memory; the pool then holds nothing.
    const second = pool.take(3 * MIB + 1);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteLength).toBe(3 * MIB + 1);
    expect(pool.retainedBytes).toBe(0);
    // Nothing free: new memory.
    expect(pool.take(3 * MIB).buffer).not.toBe(first.buffer);
    // Free memory much larger than asked is not spent on a small request.
    const large = pool.take(64 * MIB);
    pool.give(large);
    expect(pool.take(MIB).buffer).not.toBe(large.buffer);
    expect(pool.take(60 * MIB).buffer).toBe(large.buffer);
  });

  it('rounds capacities up to the next MiB, or past 8 MiB by at most an eighth', () => {
    const pool = new SharedMemoryPool();
    for (const bytes of [1, MIB, MIB + 1, 7 * MIB + 1, 16_777_216, 16_800_000, 100_000_000]) {
      const capacity = pool.take(bytes).buffer.byteLength;
      expect(capacity).toBeGreaterThanOrEqual(Math.max(bytes, MIB));
      expect(capacity).toBeLessThanOrEqual(Math.max(Math.ceil(bytes / MIB) * MIB, bytes * 1.125));
    }
  });

  it('keeps no more than its limit, and nothing it did not hand out', () => {
    const pool = new SharedMemoryPool(4 * MIB);
    const taken = [pool.take(2 * MIB), pool.take(2 * MIB), pool.take(2 * MIB)];
    for (const memory of taken) pool.give(memory);
    expect(pool.retainedBytes).toBe(4 * MIB);
    pool.clear();
    pool.give(new Uint8Array(2 * MIB));
    pool.give(new Uint8Array(new SharedArrayBuffer(MIB + 3)));
    expect(pool.retainedBytes).toBe(0);
  });

  it('lets go of its memory once idle', async () => {
    const pool = new SharedMemoryPool(64 * MIB, 20);
    pool.give(pool.take(MIB));
    expect(pool.retainedBytes).toBe(MIB);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(pool.retainedBytes).toBe(0);
  });
});
