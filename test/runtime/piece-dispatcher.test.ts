import { describe, expect, it } from 'vitest';
import type { Predictions } from '../../src/runtime/model-spec.js';
import { PieceDispatcher } from '../../src/runtime/parallel/piece-dispatcher.js';
import type { ScoringLane } from '../../src/runtime/parallel/scoring-lane.js';
import type { ScoreRequest } from '../../src/runtime/parallel/scoring-protocol.js';

/**
 * A lane that holds what it takes until the test answers it: the dispatcher's choices are then
 * visible one by one. (The lanes that run onnxruntime are tested with real models in
 * parallel-runner.test.ts.)
 */
class HeldLane implements ScoringLane {
  readonly taken: number[] = [];
  failed = false;
  private readonly held = new Map<number, (predictions: Predictions) => void>();

  get pending(): number {
    return this.held.size;
  }

  score(request: ScoreRequest): Promise<Predictions> {
    this.taken.push(request.id);
    return new Promise((resolve) => this.held.set(request.id, resolve));
  }

  answer(id: number): void {
    const resolve = this.held.get(id);
    this.held.delete(id);
    resolve?.({ length: 1, labels: Int32Array.of(id) });
  }

  async close(): Promise<void> {}
}

const request = (id: number): ScoreRequest => ({ id, rows: 1, offset: 0, columns: [] });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('piece dispatcher', () => {
  it('scores on the calling thread alone until a worker has started', async () => {
    const local = new HeldLane();
    const dispatcher = new PieceDispatcher(local);
    const answers = [0, 1, 2].map((id) => dispatcher.submit(request(id)));
    expect(local.taken).toEqual([0]); // one piece at a time
    local.answer(0);
    await settle();
    expect(local.taken).toEqual([0, 1]);
    const worker = new HeldLane();
    dispatcher.addWorker(worker);
    expect(worker.taken).toEqual([2]);
    local.answer(1);
    worker.answer(2);
    expect(await Promise.all(answers)).toEqual(
      [0, 1, 2].map((id) => ({ length: 1, labels: Int32Array.of(id) })),
    );
  });

  it('fills the workers two deep first and gives the calling thread only what is left', async () => {
    const local = new HeldLane();
    const dispatcher = new PieceDispatcher(local);
    const [first, second] = [new HeldLane(), new HeldLane()];
    dispatcher.addWorker(first);
    dispatcher.addWorker(second);
    for (let id = 0; id < 8; id++) void dispatcher.submit(request(id));
    expect(first.taken).toEqual([0, 2]);
    expect(second.taken).toEqual([1, 3]);
    expect(local.taken).toEqual([4]);
    second.answer(1);
    await settle();
    expect(second.taken).toEqual([1, 3, 5]); // a worker with room comes before the calling thread
    local.answer(4);
    await settle();
    expect(local.taken).toEqual([4, 6]);
  });

  it('gives a worker whose thread stopped nothing more, and counts where pieces went', async () => {
    const local = new HeldLane();
    const dispatcher = new PieceDispatcher(local);
    const [dead, alive] = [new HeldLane(), new HeldLane()];
    dead.failed = true;
    dispatcher.addWorker(dead);
    dispatcher.addWorker(alive);
    for (let id = 0; id < 4; id++) void dispatcher.submit(request(id));
    expect(dead.taken).toEqual([]);
    expect(alive.taken).toEqual([0, 1]);
    expect(local.taken).toEqual([2]);
    expect(dispatcher.handedOut).toEqual({ calling: 1, workers: 2 });
  });

  it('fails what waits, and what comes later, when a worker did not start', async () => {
    const local = new HeldLane();
    const dispatcher = new PieceDispatcher(local);
    const taken = dispatcher.submit(request(0));
    const waiting = dispatcher.submit(request(1));
    dispatcher.fail(new Error('no thread'));
    await expect(waiting).rejects.toThrow('no thread');
    await expect(dispatcher.submit(request(2))).rejects.toThrow('no thread');
    local.answer(0);
    await expect(taken).resolves.toMatchObject({ length: 1 });
    await dispatcher.settled();
  });
});
