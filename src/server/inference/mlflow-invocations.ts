import { InvalidParameterError } from '../../errors/assay-error.js';
import type { ModelServer } from '../../serving/model-server.js';
import type { PredictionRecorder } from '../../serving/prediction-log/prediction-recorder.js';
import { decodeScoringRequest } from '../../serving/mlflow-scoring/scoring-request.js';
import { encodeScoringResponse } from '../../serving/mlflow-scoring/scoring-response.js';
import type { InferenceAnswer, InferenceExchange } from './inference-exchange.js';
import { predictionId } from './prediction-id.js';
import { afterAnswer } from './prediction-logging.js';
import { routeRequest } from './routing.js';

/**
 * MLflow's scoring protocol, as `mlflow models serve` answers it: `POST /invocations` (the one
 * deployment served; `name` null) and `POST /models/{name}/invocations`.
 */
export async function mlflowInvocations(
  server: ModelServer,
  log: PredictionRecorder | null,
  exchange: InferenceExchange,
  name: string | null,
): Promise<InferenceAnswer> {
  const id = predictionId(exchange);
  // Routed, decoded and queued in one synchronous stretch (see kserve-v2-infer.ts).
  const routed = routeRequest(server, exchange, name ?? soleName(server));
  const model = routed.model;
  model.admit();
  const contentType = exchange.headers['content-type'];
  const decoded = decodeScoringRequest(contentType, exchange.body, model.spec);
  const outputs = await model.infer(decoded.inputs, decoded.rows);
  afterAnswer(log, server, routed, {
    id,
    latencyMs: performance.now() - exchange.startedAt,
    rows: decoded.rows,
    inputs: decoded.inputs,
    outputs,
  });
  const body = JSON.stringify(encodeScoringResponse(outputs, decoded.format));
  return { status: 200, contentType: 'application/json', body };
}

function soleName(server: ModelServer): string {
  const deployment = server.sole();
  if (deployment) return deployment.name;
  const served = server.names();
  throw new InvalidParameterError(
    `This server serves ${served.length} models (${served.join(', ')}): post to /models/{name}/invocations`,
  );
}
