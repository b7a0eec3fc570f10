import { afterEach, describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { prepareParallelRunner } from '../../src/runtime/parallel/parallel-runner.js';
import { ScoringThreads } from '../../src/runtime/parallel/scoring-threads.js';
import { featureColumns, fixtureBytes, readFixtureCsv, tableBatch } from './support/fixture-tables.js';

const table = readFixtureCsv('iris', 'iris.csv');
const bytes = fixtureBytes('iris', 'iris-mlp-v2.onnx');
const options = { defaultFeatureColumns: featureColumns(table), workers: 1, dispatchRows: 20 };

const pools: ScoringThreads[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function pool(idleMs?: number): ScoringThreads {
  const threads = new ScoringThreads({ idleMs });
  pools.push(threads);
  return threads;
}

/** Scores the iris rows through a runner on `threads`; what its worker thread did, and the labels. */
async function scoreWith(threads: ScoringThreads) {
  const runner = await prepareParallelRunner(bytes, await inspectModel(bytes), { ...options, threads });
  await runner.started;
  const predictions = await runner.run(tableBatch(table.rows, table.header));
  const handedOut = runner.handedOut();
  await runner.close();
  return { handedOut, labels: [...(predictions.labels ?? [])] };
}

describe('scoring threads kept between runners', () => {
  it('serve one runner after another with the same thread, which scores for each', async () => {
    const threads = pool();
    const first = await scoreWith(threads);
    expect(threads.size).toBe(1);
    const [thread] = threads.acquire(1);
    const id = thread?.threadId;
    threads.release(thread!);
    const second = await scoreWith(threads);
    expect(first.handedOut.workers).toBeGreaterThan(0);
    expect(second.handedOut.workers).toBeGreaterThan(0);
    expect(second.labels).toEqual(first.labels);
    expect(threads.size).toBe(1);
    const [again] = threads.acquire(1);
    expect(again?.threadId).toBe(id);
    threads.release(again!);
  });

  it('hand out the threads warm() started, and start more when more are asked for', async () => {
    const threads = pool();
    threads.warm(2);
    expect(threads.size).toBe(2);
    const taken = threads.acquire(3);
    expect(threads.size).toBe(3);
    expect(new Set(taken.map((thread) => thread.threadId)).size).toBe(3);
    // Two runners at once have a thread each.
    const other = threads.acquire(1);
    expect(threads.size).toBe(4);
    for (const thread of [...taken, ...other]) threads.release(thread);
  });

  it('stop once idle for idleMs', async () => {
    const threads = pool(50);
    await scoreWith(threads);
    expect(threads.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(threads.size).toBe(0);
    // And start again when needed.
    expect((await scoreWith(threads)).handedOut.workers).toBeGreaterThan(0);
  });

  it('never hand out a thread that stopped', async () => {
    const threads = pool();
    const [thread] = threads.acquire(1);
    await thread!.terminate();
    expect(thread!.alive).toBe(false);
    threads.release(thread!);
    expect(threads.size).toBe(0);
    const [fresh] = threads.acquire(1);
    expect(fresh?.threadId).not.toBe(thread?.threadId);
    threads.release(fresh!);
  });

  it('stop every idle thread on close, and any in use when its runner lets it go', async () => {
    const threads = pool();
    const [inUse] = threads.acquire(1);
    threads.warm(2);
    expect(threads.size).toBe(3);
    await threads.close();
    expect(threads.size).toBe(1);
    threads.release(inUse!);
    expect(threads.size).toBe(0);
    expect(inUse!.alive).toBe(true); // stopping, not stopped yet
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(inUse!.alive).toBe(false);
    threads.warm(1);
    expect(threads.size).toBe(0);
  });
});
