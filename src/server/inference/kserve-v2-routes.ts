import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { modelMetadata, serverMetadata } from '../../serving/kserve-v2/v2-metadata.js';
import type { ModelServer } from '../../serving/model-server.js';
import { ASSAY_VERSION } from '../../version.js';
import { inferenceErrors } from './inference-errors.js';

interface ModelParams {
  name: string;
  version?: string;
}

/**
 * KServe v2 / Open Inference Protocol over REST, all but inference: server and model metadata,
 * liveness and readiness. `POST .../infer` is answered ahead of Fastify (inference-front.ts).
 */
export const kserveV2Routes: FastifyPluginAsync<{ server: ModelServer }> = async (app, { server }) => {
  inferenceErrors(app, 'v2');

  app.get('/v2', async () => serverMetadata('assay', ASSAY_VERSION));
  app.get('/v2/health/live', async (_request, reply) => reply.send({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) =>
    reply.status(server.ready ? 200 : 503).send({ ready: server.ready }),
  );

  const metadata = async (params: ModelParams) => {
    const deployment = server.deployment(params.name);
    const model = deployment.route(null, params.version);
    const versions = params.version === undefined ? deployment.servedVersions() : [model.version];
    return modelMetadata(deployment.name, versions, model.spec.signature);
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name', async (request) => metadata(request.params));
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version', async (request) =>
    metadata(request.params),
  );

  const ready = async (params: ModelParams, reply: FastifyReply) => {
    const deployment = server.deployment(params.name);
    if (params.version !== undefined) deployment.route(null, params.version);
    const serving = deployment.state === 'ready';
    return reply.status(serving ? 200 : 503).send({ name: deployment.name, ready: serving });
  };
  app.get<{ Params: ModelParams }>('/v2/models/:name/ready', async (request, reply) =>
    ready(request.params, reply),
  );
  app.get<{ Params: ModelParams }>('/v2/models/:name/versions/:version/ready', async (request, reply) =>
    ready(request.params, reply),
  );
};
