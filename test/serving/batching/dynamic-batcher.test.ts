import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, ServiceUnavailableError } from '../../../src/errors/assay-error.js';
import { batchingOptions } from '../../../src/serving/batching/batching-options.js';
import { DynamicBatcher, type BatchEvent } from '../../../src/serving/batching/dynamic-batcher.js';

/** An executor whose batches finish when the test says: the batcher's decisions become visible. */
class HeldExecutor {
  readonly batches: string[][] = [];
  private readonly releases: (() => void)[] = [];

  readonly execute = async (inputs: readonly string[]): Promise<string[]> => {
    this.batches.push([...inputs]);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    if (inputs.includes('poison')) throw new Error('the model refused poison');
    return inputs.map((input) => `out:${input}`);
  };

  /** Lets the oldest running batch finish. */
  async release(): Promise<void> {
    this.releases.shift()?.();
    await tick();
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('DynamicBatcher', () => {
  it('runs a lone request at once, with no queue delay', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(batchingOptions({ maxBatchSize: 8 }), executor.execute);
    const answer = batcher.submit('a', 1);
    expect(executor.batches).toEqual([['a']]);
    await executor.release();
    await expect(answer).resolves.toBe('out:a');
  });

  it('hands the instance one batch behind the running one; the rest queue and batch up to max_batch_size rows', async () => {
    const executor = new HeldExecutor();
    const events: BatchEvent[] = [];
    const batcher = new DynamicBatcher(batchingOptions({ maxBatchSize: 4 }), executor.execute, {
      onBatch: (event) => events.push(event),
    });
    const answers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((input) => batcher.submit(input, 1));
    // 'a' runs, 'b' is handed over behind it (the instance starts it the moment 'a' is done).
    expect(executor.batches).toEqual([['a'], ['b']]);
    expect(batcher.running).toBe(2);
    expect(batcher.queueDepth).toBe(5);
    await executor.release();
    expect(executor.batches).toEqual([['a'], ['b'], ['c', 'd', 'e', 'f']]);
    await executor.release();
    expect(executor.batches.at(-1)).toEqual(['g']);
    await executor.release();
    await executor.release();
    await expect(Promise.all(answers)).resolves.toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => `out:${x}`),
    );
    expect(events.map((event) => [event.requests, event.rows])).toEqual([
      [1, 1],
      [1, 1],
      [4, 4],
      [1, 1],
    ]);
  });

  it('times a handed-over batch from when the batch ahead of it is answered', async () => {
    let clock = 0;
    const executor = new HeldExecutor();
    const events: BatchEvent[] = [];
    const batcher = new DynamicBatcher(
      batchingOptions({ maxBatchSize: 4 }),
      executor.execute,
      { onBatch: (event) => events.push(event) },
      () => clock,
    );
    const first = batcher.submit('a', 1); // runs from 0
    const second = batcher.submit('b', 1); // handed over at 0
    clock = 10;
    await executor.release(); // 'a' answered at 10: 'b' starts
    clock = 25;
    await executor.release();
    await Promise.all([first, second]);
    expect(events.map(({ queueMs, runMs }) => ({ queueMs, runMs }))).toEqual([
      { queueMs: [0], runMs: 10 },
      { queueMs: [10], runMs: 15 },
    ]);
  });

  it('counts rows, not requests, and runs a request larger than the batch alone', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(batchingOptions({ maxBatchSize: 10 }), executor.execute);
    const answers = [
      batcher.submit('first', 1),
      batcher.submit('six', 6),
      batcher.submit('five', 5),
      batcher.submit('huge', 50),
      batcher.submit('one', 1),
    ];
    for (let i = 0; i < 5; i += 1) await executor.release();
    await Promise.all(answers);
    expect(executor.batches).toEqual([['first'], ['six'], ['five'], ['huge'], ['one']]);
  });

  it('refuses at once when the queue is full, with a retry hint, and keeps serving', async () => {
    const executor = new HeldExecutor();
    const rejected: string[] = [];
    const batcher = new DynamicBatcher(
      batchingOptions({ maxBatchSize: 2, maxQueueSize: 2 }),
      executor.execute,
      {
        onRejected: (reason) => rejected.push(reason),
      },
    );
    const running = [batcher.submit('a', 1), batcher.submit('handed over', 1)];
    expect(batcher.refusal()).toBeNull();
    const queued = [batcher.submit('b', 1), batcher.submit('c', 1)];
    // Asked before decoding a request (ServedModel.admit): the same refusal, counted once.
    expect(batcher.refusal()).toBeInstanceOf(ServiceUnavailableError);
    expect(rejected).toEqual(['queue_full']);
    rejected.length = 0;
    const refused = batcher.submit('d', 1);
    await expect(refused).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(refused).rejects.toMatchObject({ httpStatus: 503, retryAfterSeconds: 1 });
    await expect(refused).rejects.toThrow("The model's queue is full (2 requests waiting)");
    expect(rejected).toEqual(['queue_full']);
    await executor.release();
    await executor.release();
    await executor.release();
    await expect(Promise.all(running)).resolves.toEqual(['out:a', 'out:handed over']);
    await expect(Promise.all(queued)).resolves.toEqual(['out:b', 'out:c']);
  });

  it('answers 504 and never runs a request whose deadline passes while it waits', async () => {
    const executor = new HeldExecutor();
    const rejected: string[] = [];
    const batcher = new DynamicBatcher(batchingOptions(), executor.execute, {
      onRejected: (reason) => rejected.push(reason),
    });
    const running = [batcher.submit('slow', 1), batcher.submit('handed over', 1)];
    const late = batcher.submit('late', 1, performance.now() + 20);
    const patient = batcher.submit('patient', 1, performance.now() + 10_000);
    await expect(late).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(late).rejects.toMatchObject({ httpStatus: 504 });
    expect(rejected).toEqual(['deadline']);
    await executor.release();
    await executor.release();
    await executor.release();
    await expect(Promise.all(running)).resolves.toEqual(['out:slow', 'out:handed over']);
    await expect(patient).resolves.toBe('out:patient');
    expect(executor.batches.flat()).not.toContain('late');
  });

  it('fails only the request that breaks its batch: the others are run again alone', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(batchingOptions({ maxBatchSize: 8 }), executor.execute);
    const first = [batcher.submit('first', 1), batcher.submit('second', 1)];
    // Settled into values at once, so that the expected rejection is never left unhandled.
    const answers = ['a', 'poison', 'b'].map((input) =>
      batcher.submit(input, 1).then(
        (output) => output,
        (error: Error) => `failed: ${error.message}`,
      ),
    );
    await executor.release(); // first
    await executor.release(); // second
    await executor.release(); // a, poison, b together: fails
    await executor.release(); // a alone
    await executor.release(); // poison alone
    await executor.release(); // b alone
    await expect(Promise.all(first)).resolves.toEqual(['out:first', 'out:second']);
    await expect(Promise.all(answers)).resolves.toEqual([
      'out:a',
      'failed: the model refused poison',
      'out:b',
    ]);
    expect(executor.batches).toEqual([['first'], ['second'], ['a', 'poison', 'b'], ['a'], ['poison'], ['b']]);
  });

  it('keeps every instance busy: with two, two batches run side by side and two wait behind them', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(batchingOptions({ maxBatchSize: 2, instances: 2 }), executor.execute);
    const answers = ['a', 'b', 'c', 'd', 'e', 'f'].map((input) => batcher.submit(input, 1));
    expect(executor.batches).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(batcher.running).toBe(4);
    expect(batcher.queueDepth).toBe(2);
    await executor.release();
    expect(executor.batches.at(-1)).toEqual(['e', 'f']);
    for (let i = 0; i < 4; i += 1) await executor.release();
    await expect(Promise.all(answers)).resolves.toHaveLength(6);
  });

  it('with a queue delay, waits for company until the batch is full or the delay is up', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(
      batchingOptions({ maxBatchSize: 3, maxQueueDelayMs: 300 }),
      executor.execute,
    );
    // A window far longer than a stall of a loaded machine between two statements.
    const first = batcher.submit('a', 1);
    expect(executor.batches).toEqual([]);
    const second = batcher.submit('b', 1);
    const third = batcher.submit('c', 1); // full: runs at once
    expect(executor.batches).toEqual([['a', 'b', 'c']]);
    await executor.release();
    await Promise.all([first, second, third]);
    const started = performance.now();
    const lone = batcher.submit('d', 1);
    await sleep(30);
    expect(executor.batches).toHaveLength(1);
    await sleep(400);
    expect(executor.batches).toEqual([['a', 'b', 'c'], ['d']]);
    await executor.release();
    await expect(lone).resolves.toBe('out:d');
    expect(performance.now() - started).toBeGreaterThanOrEqual(299);
  });

  it('cuts batches at a preferred size when the queue reaches one', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(
      batchingOptions({ maxBatchSize: 8, preferredBatchSizes: [2, 4] }),
      executor.execute,
    );
    const answers = ['x', 'y', 'a', 'b', 'c', 'd', 'e', 'f'].map((input) => batcher.submit(input, 1));
    await executor.release();
    expect(executor.batches[2]).toEqual(['a', 'b', 'c', 'd']);
    await executor.release();
    expect(executor.batches[3]).toEqual(['e', 'f']);
    await executor.release();
    await executor.release();
    await Promise.all(answers);
  });

  it('drains: stops taking requests and answers everything it holds first', async () => {
    const executor = new HeldExecutor();
    const batcher = new DynamicBatcher(batchingOptions({ maxBatchSize: 1 }), executor.execute);
    const answers = ['a', 'b'].map((input) => batcher.submit(input, 1));
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    await expect(batcher.submit('late', 1)).rejects.toThrow('shutting down');
    await executor.release();
    expect(drained).toBe(false);
    await executor.release();
    await draining;
    await expect(Promise.all(answers)).resolves.toEqual(['out:a', 'out:b']);
  });
});
