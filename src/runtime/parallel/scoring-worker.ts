/**
 * A scoring thread: it loads the model of the runner it serves into a single-threaded
 * onnxruntime session, scores the pieces it is sent one at a time (turning their columns into the
 * model's inputs itself), answers with their predictions (buffers transferred, not copied), and
 * lets the session go when the runner closes. The thread outlives its runners: see
 * scoring-threads.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { InputFeeder } from '../input-feeder.js';
import { modelFeeder } from '../model-runner.js';
import type { Predictions } from '../model-spec.js';
import { openSession } from '../onnx-session.js';
import { scorePiece } from './piece-scoring.js';
import { toFailure } from './scoring-failure.js';
import type { ScoreRequest, ScoringModel, ThreadMessage, WorkerMessage } from './scoring-protocol.js';

interface Loaded {
  readonly model: ScoringModel;
  readonly session: InferenceSession;
  readonly feeder: InputFeeder;
}

const port = parentPort;
let loaded: Loaded | null = null;

if (port) {
  // One message at a time, in order: the feeder's memory is reused from one request to the next,
  // and a model is loaded before its requests are scored.
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (message: ThreadMessage) => {
    queue = queue.then(() => handle(message));
  });
}

async function handle(message: ThreadMessage): Promise<void> {
  if (message.kind === 'load') await load(message.model);
  else if (message.kind === 'score') await answer(message.request);
  else if (message.kind === 'unload') await unload();
  else {
    await unload();
    // Ends this thread (not the process), between two messages: never inside onnxruntime.
    process.exit(0);
  }
}

async function load(model: ScoringModel): Promise<void> {
  await unload();
  try {
    const session = await openSession(model.model, { intraOpThreads: 1 }); // see parallel-runner.ts
    const { feeder } = modelFeeder(model.spec, model.featureColumns);
    loaded = { model, session, feeder };
    post({ kind: 'ready' });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

async function unload(): Promise<void> {
  const session = loaded?.session;
  loaded = null;
  await session?.release();
}

async function answer(request: ScoreRequest): Promise<void> {
  try {
    if (loaded === null) throw new Error('the scoring thread has no model loaded');
    const { model, session, feeder } = loaded;
    const predictions = await scorePiece(session, model.spec, feeder, model.chunkRows, request);
    post({ kind: 'scored', id: request.id, predictions }, buffers(predictions));
  } catch (error) {
    post({ kind: 'error', id: request.id, ...toFailure(error) });
  }
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function buffers(predictions: Predictions): ArrayBuffer[] {
  return [predictions.labels, predictions.probabilities, predictions.values]
    .filter((array): array is Int32Array | Float32Array | Float64Array => array !== undefined)
    .map((array) => array.buffer as ArrayBuffer);
}
