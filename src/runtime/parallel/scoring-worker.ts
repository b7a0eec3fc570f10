/**
 * A worker thread holding one onnxruntime session: it scores the batches it is sent, in chunks,
 * and answers with their predictions (buffers transferred, not copied). See parallel-runner.ts.
 */
import ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { openSession } from '../onnx-session.js';
import { scoreInChunks } from '../prediction-collector.js';
import type { Predictions } from '../model-spec.js';
import {
  inputBuffers,
  type InputData,
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

async function score(session: ort.InferenceSession, request: ScoreRequest): Promise<Predictions> {
  return scoreInChunks(session, settings.spec, request.rows, settings.chunkRows, (start, count) => {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of request.inputs) feeds[input.name] = rowsOf(input, request.rows, start, count);
    return feeds;
  });
}

/** Rows [start, start + count) of an input, as a tensor over the same memory. */
function rowsOf(input: InputData, rows: number, start: number, count: number): ort.Tensor {
  const width = rows === 0 ? 0 : input.data.length / rows;
  const dims = [count, ...input.dims.slice(1)];
  const { data } = input;
  if (Array.isArray(data))
    return new ort.Tensor('string', data.slice(start * width, (start + count) * width), dims);
  if (data instanceof Uint8Array)
    return new ort.Tensor('bool', data.subarray(start * width, (start + count) * width), dims);
  return new ort.Tensor(data.subarray(start * width, (start + count) * width), dims);
}

function buffers(predictions: Predictions): ArrayBuffer[] {
  return [predictions.labels, predictions.probabilities, predictions.values]
    .filter((array): array is Int32Array | Float32Array | Float64Array => array !== undefined)
    .map((array) => array.buffer as ArrayBuffer);
}
