/**
 * A worker thread holding one onnxruntime session: it scores the batches it is sent, in chunks,
 * and answers with their predictions (buffers transferred, not copied). See parallel-runner.ts.
 */
import ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { openSession } from '../onnx-session.js';
import { fetchedOutputs, PredictionCollector } from '../prediction-collector.js';
import type { Predictions } from '../model-spec.js';
import type { InputData, ScoreRequest, ScoringWorkerData, WorkerMessage } from './scoring-protocol.js';

const port = parentPort;
const settings = workerData as ScoringWorkerData;

if (port) {
  try {
    const session = await openSession(settings.model, { intraOpThreads: 1 }); // see parallel-runner.ts
    const fetches = fetchedOutputs(settings.spec);
    port.on('message', (request: ScoreRequest) => {
      const returned = inputBuffers(request);
      void score(session, fetches, request).then(
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

async function score(
  session: ort.InferenceSession,
  fetches: string[],
  request: ScoreRequest,
): Promise<Predictions> {
  const collector = new PredictionCollector(settings.spec, request.rows);
  const chunk = settings.chunkRows;
  for (let start = 0; start < request.rows; start += chunk) {
    const count = Math.min(chunk, request.rows - start);
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of request.inputs) feeds[input.name] = rowsOf(input, request.rows, start, count);
    const outputs = await session.run(feeds, fetches);
    collector.add(outputs as Record<string, ort.Tensor>, start, count);
  }
  return collector.result();
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

function inputBuffers(request: ScoreRequest): ArrayBuffer[] {
  return request.inputs.flatMap((input) =>
    Array.isArray(input.data) ? [] : [input.data.buffer as ArrayBuffer],
  );
}

function buffers(predictions: Predictions): ArrayBuffer[] {
  return [predictions.labels, predictions.probabilities, predictions.values]
    .filter((array): array is Int32Array | Float32Array | Float64Array => array !== undefined)
    .map((array) => array.buffer as ArrayBuffer);
}
