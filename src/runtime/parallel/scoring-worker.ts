/**
 * A worker thread holding one onnxruntime session: it scores the pieces it is sent, one at a
 * time, turning their columns into the model's inputs itself, and answers with their predictions
 * (buffers transferred, not copied). See parallel-runner.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { InputFeeder } from '../input-feeder.js';
import { modelFeeder } from '../model-runner.js';
import type { Predictions } from '../model-spec.js';
import { openSession } from '../onnx-session.js';
import { scorePiece, toFailure } from './piece-scoring.js';
import type { ScoreRequest, ScoringWorkerData, WorkerMessage } from './scoring-protocol.js';

const port = parentPort;
const settings = workerData as ScoringWorkerData;

if (port) {
  try {
    const session = await openSession(settings.model, { intraOpThreads: 1 }); // see parallel-runner.ts
    const { feeder } = modelFeeder(settings.spec, settings.featureColumns);
    // One request at a time: the feeder's memory is reused from one to the next.
    let queue: Promise<unknown> = Promise.resolve();
    port.on('message', (request: ScoreRequest) => {
      queue = queue.then(() => answer(session, feeder, request));
    });
    port.postMessage(reply({ kind: 'ready' }));
  } catch (error) {
    port.postMessage(
      reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  }
}

async function answer(session: InferenceSession, feeder: InputFeeder, request: ScoreRequest): Promise<void> {
  const target = port as NonNullable<typeof port>;
  try {
    const predictions = await scorePiece(session, settings.spec, feeder, settings.chunkRows, request);
    target.postMessage(reply({ kind: 'scored', id: request.id, predictions }), buffers(predictions));
  } catch (error) {
    target.postMessage(reply({ kind: 'error', id: request.id, ...toFailure(error) }));
  }
}

function reply(message: WorkerMessage): WorkerMessage {
  return message;
}

function buffers(predictions: Predictions): ArrayBuffer[] {
  return [predictions.labels, predictions.probabilities, predictions.values]
    .filter((array): array is Int32Array | Float32Array | Float64Array => array !== undefined)
    .map((array) => array.buffer as ArrayBuffer);
}
