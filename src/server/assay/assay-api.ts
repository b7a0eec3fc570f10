import type { FastifyPluginAsync } from 'fastify';
import type { AssayContext } from '../../context.js';
import { BehaviourOperations } from '../../operations/behaviour-operations.js';
import { auditRoutes } from './audit-routes.js';
import { behaviourRoutes } from './behaviour-routes.js';
import { behaviourUploadRoutes } from './behaviour-upload-routes.js';
import { deploymentRoutes } from './deployment-routes.js';
import { predictionRoutes } from './prediction-routes.js';
import { runnableModelRoutes } from './runnable-model-routes.js';

export interface AssayApiOptions {
  context: AssayContext;
  /** Largest model or dataset file an upload may carry. */
  uploadLimitBytes: number;
}

/** Assay's own API (what MLflow has no word for), mounted under /api/assay/v1. */
export const assayApi: FastifyPluginAsync<AssayApiOptions> = async (app, { context, uploadLimitBytes }) => {
  const operations = new BehaviourOperations(context);
  await app.register(auditRoutes, { context });
  await app.register(behaviourRoutes, { operations });
  await app.register(behaviourUploadRoutes, { operations, uploadLimitBytes });
  await app.register(predictionRoutes, { context });
  await app.register(deploymentRoutes, { context });
  await app.register(runnableModelRoutes, { context });
};
