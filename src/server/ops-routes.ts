import type { FastifyPluginAsync } from 'fastify';
import { ASSAY_VERSION } from '../version.js';

/** Liveness and version, answered as MLflow does (plain text). */
export const opsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('OK'));
  app.get('/version', async (_request, reply) => reply.type('text/plain; charset=utf-8').send(ASSAY_VERSION));
};
