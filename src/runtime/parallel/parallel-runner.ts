import type { InferenceSession } from 'onnxruntime-node';
import type { TableBatch } from '../../datasets/dataset-table.js';
import { sliceBatch } from '../../datasets/table-batches.js';
import { InvalidParameterError, InvalidStateError } from '../../errors/assay-error.js';
import { checkSchema } from '../input-schema-check.js';
import type { ModelSpec, Predictions } from '../model-spec.js';
import {
  chunkRowsOf,
  fixedBatchSize,
  modelFeeder,
  prepareRunner,
  type ModelRunner,
  type RunnerOptions,
} from '../model-runner.js';
import { openSession } from '../onnx-session.js';
import { localLane } from './local-lane.js';
import { PieceDispatcher } from './piece-dispatcher.js';
import { pieceRequest } from './piece-scoring.js';
import type { ScoringLane } from './scoring-lane.js';
import type { ScoringModel } from './scoring-protocol.js';
import { defaultScoringWorkers, ScoringThreads } from './scoring-threads.js';

export interface ParallelRunnerOptions extends RunnerOptions {
  /**
   * Worker threads beside the calling thread, each with a session of its own (default: one per
   * core but the caller's, at most seven). 0 scores on the calling thread only.
   */
  readonly workers?: number | undefined;
  /**
   * Where the worker threads come from, and go back to when the runner closes (the process's
   * ScoringThreads, kept between runners); without it the runner starts its own and stops them.
   */
  readonly threads?: ScoringThreads | undefined;
  /** A batch is sent to the lanes in pieces of at most this many rows (DISPATCH_ROWS). */
  readonly dispatchRows?: number | undefined;
}

/** A parallel runner, with what it can tell of its lanes. */
export interface ParallelRunner extends ModelRunner {
  /** Resolves once every worker thread has started (or failed to) and takes pieces. */
  readonly started: Promise<void>;
  /** Pieces handed out so far: to the calling thread, and to the worker threads. */
  handedOut(): { readonly calling: number; readonly workers: number };
}

/**
 * Rows per piece of a batch: small enough that the lanes finish the last batch close together
 * (a piece takes a few milliseconds to score), large enough that the messages cost nothing.
 */
const DISPATCH_ROWS = 8_192;

/**
 * A model runner for throughput: batches are split into pieces and scored side by side by worker
 * threads and by the calling thread, each lane holding its own single-threaded onnxruntime
 * session. Whole pieces side by side keep every core on the model without onnxruntime's
 * per-operator synchronisation (on two cores, 10% less CPU than one session with two threads).
 *
 * One lane per core, and the calling thread is one of them: it feeds the workers first and scores
 * what they leave, so no core is oversubscribed, and it scores everything while the workers load
 * the model (or start, when the process has no idle ScoringThreads), which a short evaluation
 * would otherwise spend waiting. The calling thread loads its own session when it first has a
 * piece to score: a model that onnxruntime refuses then fails the runs, with onnxruntime's
 * reason, rather than the runner's opening (a runner without worker threads loads it at once). A piece
 * goes to its lane as views of the batch's columns, and each lane turns them into the model's
 * inputs itself: the conversion is spread over the cores, and a batch in shared memory (as
 * DatasetVersion.sharedBatches reads them) reaches the worker threads without a copy. So the
 * batch must stay as it is until run()'s promise settles; results may be awaited in any order.
 * Models with a fixed batch size run on the calling thread (prepareRunner), handing out no pieces.
 */
export async function prepareParallelRunner(
  bytes: Uint8Array,
  spec: ModelSpec,
  options: ParallelRunnerOptions = {},
): Promise<ParallelRunner> {
  if (fixedBatchSize(spec.signature.inputs) !== null) {
    // No pieces and no threads: every batch in one go on the calling thread.
    const runner = await prepareRunner(bytes, spec, options);
    return { ...runner, started: Promise.resolve(), handedOut: () => ({ calling: 0, workers: 0 }) };
  }
  const workerCount = options.workers ?? defaultScoringWorkers();
  const pieceRows = options.dispatchRows ?? DISPATCH_ROWS;
  if (!Number.isSafeInteger(pieceRows) || pieceRows < 1) {
    throw new InvalidParameterError(`Rows per piece must be a positive integer, got ${pieceRows}`);
  }
  const chunkRows = chunkRowsOf(options);
  const { featureColumns, feeder } = modelFeeder(spec, options.defaultFeatureColumns ?? null);
  const used = new Set(feeder.uses.map((use) => use.column));

  const model: ScoringModel = { model: bytes, spec, chunkRows, featureColumns };
  const pool = options.threads ?? new ScoringThreads();
  const threads = pool.acquire(workerCount);
  // The threads load the model while the calling thread loads its own.
  const starting = threads.map((thread) => thread.load(model));
  // Handled now: a thread failing while the calling thread loads its session raises no unhandled rejection.
  for (const lane of starting) lane.catch(() => undefined);
  const letGo = async (): Promise<void> => {
    const lanes = await Promise.allSettled(starting);
    await Promise.all(lanes.map((lane) => (lane.status === 'fulfilled' ? lane.value.close() : undefined)));
    for (const thread of threads) pool.release(thread);
    if (!options.threads) await pool.close();
  };
  // Without worker threads the calling thread's session is needed at once; with them, only once
  // the threads have their first pieces (see local-lane.ts).
  let eager: InferenceSession | null = null;
  if (workerCount === 0) {
    try {
      eager = await openSession(bytes, { intraOpThreads: 1 });
    } catch (error) {
      await letGo();
      throw error;
    }
  }
  const local = localLane(
    async () => eager ?? openSession(bytes, { intraOpThreads: 1 }),
    spec,
    feeder,
    chunkRows,
  );
  const dispatcher = new PieceDispatcher(local);
  const workers = Promise.allSettled(
    starting.map((lane) =>
      lane.then(
        (started: ScoringLane) => dispatcher.addWorker(started),
        (error: unknown) => dispatcher.fail(error),
      ),
    ),
  ).then(() => undefined);
  let nextId = 0;
  let closed = false;

  return {
    spec,
    featureColumns,
    pieceRows,
    started: workers,
    handedOut: () => dispatcher.handedOut,
    checkSchema: (schema) => checkSchema(feeder.uses, schema),
    run(batch: TableBatch): Promise<Predictions> {
      if (closed) return Promise.reject(new InvalidStateError('the model runner is closed'));
      try {
        // A batch lacking a column the model needs is refused here, listing the columns it has.
        feeder.bind(batch);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const pieces: Promise<Predictions>[] = [];
      for (let start = 0; start < batch.length || pieces.length === 0; start += pieceRows) {
        const piece = sliceBatch(batch, start, Math.min(batch.length, start + pieceRows));
        pieces.push(dispatcher.submit(pieceRequest(nextId++, piece, used)));
      }
      return Promise.all(pieces).then((parts) => joinPredictions(parts, batch.length));
    },
    async close() {
      closed = true;
      await dispatcher.settled();
      await workers;
      await letGo();
      await local.close();
    },
  };
}

/** The predictions of consecutive pieces as those of the whole batch. */
function joinPredictions(parts: readonly Predictions[], length: number): Predictions {
  if (parts.length === 1) return parts[0] as Predictions;
  const first = parts[0] as Predictions;
  const join = <T extends Int32Array | Float32Array | Float64Array>(
    pick: (part: Predictions) => T | undefined,
    make: (size: number) => T,
  ): T | undefined => {
    if (pick(first) === undefined) return undefined;
    const whole = make(parts.reduce((sum, part) => sum + (pick(part)?.length ?? 0), 0));
    let at = 0;
    for (const part of parts) {
      const values = pick(part) as T;
      (whole as Float64Array).set(values as unknown as Float64Array, at);
      at += values.length;
    }
    return whole;
  };
  const labels = join(
    (part) => part.labels,
    (size) => new Int32Array(size),
  );
  const probabilities = join(
    (part) => part.probabilities,
    (size) => new Float32Array(size),
  );
  const values = join(
    (part) => part.values,
    (size) => new Float64Array(size),
  );
  return {
    length,
    ...(labels ? { labels } : {}),
    ...(probabilities ? { probabilities } : {}),
    ...(first.classCount !== undefined ? { classCount: first.classCount } : {}),
    ...(values ? { values } : {}),
  };
}
