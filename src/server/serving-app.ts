import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ModelServer } from '../serving/model-server.js';
import type { PredictionLog } from '../serving/prediction-log/prediction-log.js';
import type { ServingMetrics } from '../serving/serving-metrics.js';
import { registerErrorHandling } from './error-handler.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { kserveV2Routes } from './inference/kserve-v2-routes.js';
import { mlflowScoringRoutes } from './inference/mlflow-scoring-routes.js';
import { opsRoutes } from './ops-routes.js';
import { registerRequestLogging } from './request-logging.js';

export interface ServingAppOptions {
  readonly server: ModelServer;
  readonly metrics: ServingMetrics;
  /** Where answered predictions go; null logs nothing. */
  readonly log: PredictionLog | null;
  readonly logger: FastifyBaseLogger;
  readonly bodyLimitBytes: number;
}

/** The HTTP application of `assay serve`: inference (KServe v2, MLflow scoring), probes, `/metrics`. */
export async function buildServingApp(options: ServingAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    keepAliveTimeout: 65_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: true },
  });
  registerErrorHandling(app);
  registerRequestLogging(app);
  await app.register(opsRoutes);
  const { server, metrics, log } = options;
  await app.register(kserveV2Routes, { server, metrics, log });
  await app.register(mlflowScoringRoutes, { server, metrics, log });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.exposition();
    return reply.type(contentType).send(text);
  });
  return app;
}
