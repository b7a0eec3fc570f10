import type { FastifyPluginAsync } from 'fastify';
import type { AssayContext } from '../../context.js';
import { auditRoutes } from './audit-routes.js';

/** Assay's own API (what MLflow has no word for), mounted under /api/assay/v1. */
export const assayApi: FastifyPluginAsync<{ context: AssayContext }> = async (app, { context }) => {
  await app.register(auditRoutes, { context });
};
