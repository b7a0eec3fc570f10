import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { registerErrorHandling } from './error-handler.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { mountInference, type InferenceMountOptions } from './inference/inference-mount.js';
import { opsRoutes } from './ops-routes.js';
import { registerRequestLogging } from './request-logging.js';

export type ServingAppOptions = InferenceMountOptions;

/**
 * The HTTP application of `assay serve`: inference (KServe v2, MLflow scoring) answered on
 * node:http ahead of Fastify (see inference-front.ts), and through Fastify the metadata, probes
 * and `/metrics`.
 */
export async function buildServingApp(options: ServingAppOptions): Promise<FastifyInstance> {
  const inference = mountInference(options);
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Idle keep-alive connections stay open longer than common load balancers' 60 s.
    keepAliveTimeout: 65_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: true },
    serverFactory: inference.serverFactory,
  });
  registerErrorHandling(app);
  registerRequestLogging(app);
  await app.register(opsRoutes);
  await inference.register(app);
  return app;
}
