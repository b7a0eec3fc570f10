import { describe, expect, it } from 'vitest';
import { batchCut, batchComplete } from '../../../src/serving/batching/batch-cut.js';
import { batchingOptions, DEFAULT_BATCHING } from '../../../src/serving/batching/batching-options.js';

describe('batchingOptions', () => {
  it('defaults to batching what is queued, never waiting, one instance of one thread', () => {
    expect(batchingOptions()).toEqual(DEFAULT_BATCHING);
    expect(DEFAULT_BATCHING.maxQueueDelayMs).toBe(0);
  });

  it('applies given values, ignores undefined ones, sorts and dedupes preferred sizes', () => {
    const options = batchingOptions({
      maxBatchSize: 32,
      preferredBatchSizes: [16, 4, 16],
      instances: undefined,
    });
    expect(options.maxBatchSize).toBe(32);
    expect(options.preferredBatchSizes).toEqual([4, 16]);
    expect(options.instances).toBe(1);
  });

  it.each([
    [{ maxBatchSize: 0 }, 'max_batch_size must be a positive integer, got 0'],
    [{ maxBatchSize: 2.5 }, 'max_batch_size must be a positive integer, got 2.5'],
    [{ maxQueueDelayMs: -1 }, 'max_queue_delay must be a number of milliseconds >= 0, got -1'],
    [
      { maxBatchSize: 8, preferredBatchSizes: [16] },
      'preferred_batch_sizes: 16 is larger than max_batch_size 8',
    ],
    [{ maxQueueSize: 0 }, 'max_queue_size must be a positive integer, got 0'],
    [{ queueTimeoutMs: 0 }, 'queue_timeout must be a number of milliseconds > 0, got 0'],
    [{ instances: Number.NaN }, 'instances must be a positive integer, got NaN'],
    [{ intraOpThreads: -2 }, 'intra_op_threads must be a positive integer, got -2'],
  ])('refuses %o', (given, message) => {
    expect(() => batchingOptions(given)).toThrow(message);
  });
});

describe('batchCut', () => {
  it('takes every request that fits, front first', () => {
    expect(batchCut([1, 1, 1], 8, [])).toBe(3);
    expect(batchCut([3, 3, 3], 8, [])).toBe(2);
    expect(batchCut([], 8, [])).toBe(0);
  });

  it('lets an oversized front request through alone', () => {
    expect(batchCut([20, 1], 8, [])).toBe(1);
  });

  it('never reorders to fill the batch', () => {
    expect(batchCut([2, 7, 1], 8, [])).toBe(1);
  });

  it('ends at the largest preferred size reached, on a request boundary', () => {
    expect(batchCut([1, 1, 1, 1, 1, 1], 8, [4])).toBe(4);
    expect(batchCut([1, 1, 1, 1, 1, 1, 1, 1, 1], 8, [2, 4, 8])).toBe(8);
    expect(batchCut([3, 3], 8, [4])).toBe(1);
    expect(batchCut([1, 1, 1], 8, [4])).toBe(3);
  });

  it('says when a batch is complete', () => {
    expect(batchComplete(8, 8, [])).toBe(true);
    expect(batchComplete(4, 8, [4])).toBe(true);
    expect(batchComplete(3, 8, [4])).toBe(false);
  });
});
