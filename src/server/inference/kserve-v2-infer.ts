import { InvalidParameterError } from '../../errors/assay-error.js';
import type { ModelServer } from '../../serving/model-server.js';
import type { NamedTensor } from '../../serving/named-tensor.js';
import type { PredictionRecorder } from '../../serving/prediction-log/prediction-recorder.js';
import { decodeInferRequest } from '../../serving/kserve-v2/v2-request.js';
import { encodeInferResponse } from '../../serving/kserve-v2/v2-response.js';
import type { InferenceAnswer, InferenceExchange } from './inference-exchange.js';
import { predictionId } from './prediction-id.js';
import { afterAnswer } from './prediction-logging.js';
import { routeRequest } from './routing.js';

const HEADER_LENGTH = 'inference-header-content-length';

/**
 * `POST /v2/models/{name}[/versions/{version}]/infer`: decodes the request with the routed model's
 * signature (JSON, or JSON followed by binary tensors), scores it through the model's batcher and
 * answers with the outputs asked for, as JSON or binary as asked.
 */
export async function kserveV2Infer(
  server: ModelServer,
  log: PredictionRecorder | null,
  exchange: InferenceExchange,
  name: string,
  version: string | undefined,
): Promise<InferenceAnswer> {
  const headerLength = inferenceHeaderLength(exchange.headers[HEADER_LENGTH]);
  const provisional = predictionId(exchange);
  // Routing, decoding and queueing happen in one synchronous stretch: a version swap cannot slip
  // between them, and a model being swapped out answers everything it queued (ServedModel.unload).
  const routed = routeRequest(server, exchange, name, version);
  const model = routed.model;
  model.admit();
  const decoded = decodeInferRequest(exchange.body, headerLength, model.spec.signature);
  const timeout = decoded.timeoutMicroseconds;
  const deadline = timeout === null ? null : performance.now() + timeout / 1000;
  const all = await model.infer(decoded.inputs, decoded.rows, { deadline });
  const outputs: NamedTensor[] =
    decoded.outputs === null
      ? all
      : decoded.outputs.map((requested) => all.find((o) => o.name === requested.name) as NamedTensor);
  const id = decoded.id ?? provisional;
  if (decoded.id !== null) predictionId(exchange, decoded.id);
  afterAnswer(log, server, routed, {
    id,
    latencyMs: performance.now() - exchange.startedAt,
    rows: decoded.rows,
    inputs: decoded.inputs,
    outputs: all,
  });
  const binary = (output: string): boolean =>
    decoded.outputs?.find((requested) => requested.name === output)?.binary ?? decoded.binaryOutputs;
  const encoded = encodeInferResponse({
    modelName: model.name,
    modelVersion: model.version,
    id,
    outputs,
    binary,
  });
  if (encoded.headerLength === null) {
    return { status: 200, contentType: 'application/json', body: encoded.body };
  }
  return {
    status: 200,
    contentType: 'application/octet-stream',
    headers: { [HEADER_LENGTH]: String(encoded.headerLength) },
    body: encoded.body,
  };
}

function inferenceHeaderLength(value: string | string[] | undefined): number | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+$/.test(text.trim())) {
    throw new InvalidParameterError(
      `Inference-Header-Content-Length must be a number of bytes, got '${String(text)}'`,
    );
  }
  return Number(text);
}
