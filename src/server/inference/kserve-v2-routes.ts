import type { FastifyPluginAsync } from 'fastify';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { decodeInferRequest } from '../../serving/kserve-v2/v2-request.js';
import { encodeInferResponse } from '../../serving/kserve-v2/v2-response.js';
import { modelMetadata, serverMetadata } from '../../serving/kserve-v2/v2-metadata.js';
import type { NamedTensor } from '../../serving/named-tensor.js';
import { ASSAY_VERSION } from '../../version.js';
import { inferenceErrors } from './inference-errors.js';
import type { InferenceRoutesOptions } from './inference-routes-options.js';
import { predictionId } from './prediction-id.js';
import { logPredictions } from './prediction-logging.js';
import { acceptRawBodies, bodyBytes } from './raw-body.js';
import { countInferences } from './request-metrics.js';

const HEADER_LENGTH = 'inference-header-content-length';

interface ModelParams {
  name: string;
  version?: string;
}

/** KServe v2 / Open Inference Protocol over REST: `/v2/...`. */
export const kserveV2Routes: FastifyPluginAsync<InferenceRoutesOptions> = async (
  app,
  { server, metrics, log },
) => {
  acceptRawBodies(app);
  inferenceErrors(app, 'v2');
  countInferences(app, server, metrics, 'kserve_v2');

  app.get('/v2', async () => serverMetadata('assay', ASSAY_VERSION));
  app.get('/v2/health/live', async (_request, reply) => reply.send({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) =>
    reply.status(server.ready ? 200 : 503).send({ ready: server.ready }),
  );

  const metadata = async (params: ModelParams) => {
    const model = server.get(params.name, params.version);
    return modelMetadata(model.name, [model.version], model.spec.signature);
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name', async (request) => metadata(request.params));
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version', async (request) =>
    metadata(request.params),
  );

  const ready = async (params: ModelParams) => {
    const model = server.get(params.name, params.version);
    return { name: model.name, ready: true };
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name/ready', async (request) => ready(request.params));
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version/ready', async (request) =>
    ready(request.params),
  );

  const infer = async (params: ModelParams, body: unknown, headerLength: number | null) => {
    const model = server.get(params.name, params.version);
    const decoded = decodeInferRequest(bodyBytes(body), headerLength, model.spec.signature);
    const timeout = decoded.timeoutMicroseconds;
    const deadline = timeout === null ? null : performance.now() + timeout / 1000;
    const outputs = await model.infer(decoded.inputs, decoded.rows, { deadline });
    const wanted: NamedTensor[] =
      decoded.outputs === null
        ? outputs
        : decoded.outputs.map((requested) => outputs.find((o) => o.name === requested.name) as NamedTensor);
    return { model, decoded, outputs: wanted, all: outputs };
  };

  for (const path of ['/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']) {
    app.post<{ Params: ModelParams }>(path, async (request, reply) => {
      const headerLength = inferenceHeaderLength(request.headers[HEADER_LENGTH]);
      // Named before the work, so that a failure carries the id too.
      const provisional = predictionId(request, reply);
      const { model, decoded, outputs, all } = await infer(request.params, request.body, headerLength);
      const id = decoded.id ?? provisional;
      if (decoded.id !== null) predictionId(request, reply, decoded.id);
      logPredictions(log, server, model, {
        id,
        latencyMs: reply.elapsedTime,
        inputs: decoded.inputs,
        outputs: all,
      });
      const binary = (name: string): boolean =>
        decoded.outputs?.find((output) => output.name === name)?.binary ?? decoded.binaryOutputs;
      const encoded = encodeInferResponse({
        modelName: model.name,
        modelVersion: model.version,
        id,
        outputs,
        binary,
      });
      if (encoded.headerLength === null) return reply.type('application/json').send(encoded.body);
      return reply
        .type('application/octet-stream')
        .header('inference-header-content-length', String(encoded.headerLength))
        .send(encoded.body);
    });
  }
};

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
