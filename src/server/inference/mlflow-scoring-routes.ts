import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { decodeScoringRequest } from '../../serving/mlflow-scoring/scoring-request.js';
import { encodeScoringResponse } from '../../serving/mlflow-scoring/scoring-response.js';
import type { ServedModel } from '../../serving/served-model.js';
import { inferenceErrors } from './inference-errors.js';
import type { InferenceRoutesOptions } from './inference-routes-options.js';
import { predictionId } from './prediction-id.js';
import { logPredictions } from './prediction-logging.js';
import { acceptRawBodies, bodyBytes } from './raw-body.js';
import { countInferences } from './request-metrics.js';

/**
 * MLflow's scoring protocol, as `mlflow models serve` answers it: `POST /invocations` (the one
 * model served) and `POST /models/{name}/invocations`, with `/ping` and `/health` for probes.
 */
export const mlflowScoringRoutes: FastifyPluginAsync<InferenceRoutesOptions> = async (
  app,
  { server, metrics, log },
) => {
  acceptRawBodies(app);
  inferenceErrors(app, 'mlflow');
  countInferences(app, server, metrics, 'mlflow');

  app.get('/ping', async (_request, reply) => reply.status(server.ready ? 200 : 503).send('\n'));

  const score = async (
    model: ServedModel,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<ReturnType<typeof encodeScoringResponse>> => {
    const id = predictionId(request, reply);
    const decoded = decodeScoringRequest(
      request.headers['content-type'],
      bodyBytes(request.body),
      model.spec,
    );
    const outputs = await model.infer(decoded.inputs, decoded.rows);
    logPredictions(log, server, model, { id, latencyMs: reply.elapsedTime, inputs: decoded.inputs, outputs });
    return encodeScoringResponse(outputs, decoded.format);
  };

  app.post('/invocations', async (request, reply) => {
    const model = server.sole();
    if (!model) {
      const served = server.list();
      throw new InvalidParameterError(
        `This server serves ${served.length} models (${served.map((each) => each.name).join(', ')}): post to /models/{name}/invocations`,
      );
    }
    return score(model, request, reply);
  });

  app.post<{ Params: { name: string } }>('/models/:name/invocations', async (request, reply) => {
    return score(server.get(request.params.name), request, reply);
  });
};
