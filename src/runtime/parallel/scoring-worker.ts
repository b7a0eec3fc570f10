/**
 * A worker thread holding one onnxruntime session: it scores the batches it is sent, in chunks,
 * and answers with their predictions (buffers transferred, not copied). See parallel-runner.ts.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { openSession } from '../onnx-session.js';
import { scoreInChunks } from '../prediction-collector.js';
import { requestFeeds } from './request-feeds.js';
import type { Predictions } from '../model-spec.js';
import {
  inputBuffers,
  type ScoreRequest,
  type ScoringWorkerData,
  type WorkerMessage,
} from './scoring-protocol.js';

const port = parentPort;
const settings = workerData as ScoringWorkerData;

if (port) {
  try {
    const session = await openSession(settings.model, { intraOpThreads: 1 }); // see parallel-runner.ts
    port.on('message', (request: ScoreRequest) => {
      const returned = inputBuffers(request.inputs);
      void score(session, request).then(
        (predictions) =>
          port.postMessage(reply({ kind: 'scored', id: request.id, predictions, returned }), [
            ...buffers(predictions),
            ...returned,
          ]),
        (error: unknown) =>
          port.postMessage(
            reply({
              kind: 'error',
              id: request.id,
              message: error instanceof Error ? error.message : String(error),
              returned,
            }),
            returned,
          ),
      );
    });
    port.postMessage(reply({ kind: 'ready' }));
  } catch (error) {
    port.postMessage(
      reply({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  }
}

function reply(message: WorkerMessage): WorkerMessage {
  return message;
}

async function score(session: InferenceSession, request: ScoreRequest): Promise<Predictions> {
  return scoreInChunks(session, settings.spec, request.rows, settings.chunkRows, (start, count) =>
    requestFeeds(request, start, count),
  );
}

function buffers(predictions: Predictions): ArrayBuffer[] {
  return [predictions.labels, predictions.probabilities, predictions.values]
    .filter((array): array is Int32Array | Float32Array | Float64Array => array !== undefined)
    .map((array) => array.buffer as ArrayBuffer);
}
