import type { FastifyPluginAsync } from 'fastify';
import type { ModelServer } from '../../serving/model-server.js';

/**
 * MLflow's scoring server's probe: `GET /ping`, 200 once every model is ready. `POST /invocations`
 * and `/models/{name}/invocations` are answered ahead of Fastify (inference-front.ts).
 */
export const mlflowScoringRoutes: FastifyPluginAsync<{ server: ModelServer }> = async (app, { server }) => {
  app.get('/ping', async (_request, reply) => reply.status(server.ready ? 200 : 503).send('\n'));
};
