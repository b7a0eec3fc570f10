import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AssayContext } from '../context.js';
import { registerErrorHandling } from './error-handler.js';
import { clientErrorHandler, frameworkErrorHandler } from './framework-errors.js';
import { registerJsonBodyParser } from './json-body.js';
import { registerRequestLogging } from './request-logging.js';
import { opsRoutes } from './ops-routes.js';
import { mlflowApi } from './mlflow/mlflow-api.js';
import { assayApi } from './assay/assay-api.js';
import { artifactProxyApi } from './artifacts/artifact-proxy-api.js';
import { mountInference, type InferenceMountOptions } from './inference/inference-mount.js';

export interface AppOptions {
  context: AssayContext;
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  artifactUploadLimitBytes: number;
  /** The deployments served on the same port (KServe v2, MLflow scoring, `/metrics`), if any. */
  inference?: Omit<InferenceMountOptions, 'logger' | 'bodyLimitBytes'>;
}

export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
export const MLFLOW_ARTIFACTS_PREFIXES = [
  '/api/2.0/mlflow-artifacts',
  '/ajax-api/2.0/mlflow-artifacts',
] as const;

/** Builds the HTTP application. Routes only parse, call one service, and shape the answer. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const inference = options.inference
    ? mountInference({
        ...options.inference,
        logger: options.logger,
        bodyLimitBytes: options.bodyLimitBytes,
      })
    : null;
  const app = Fastify({
    loggerInstance: options.logger,
    // Fastify's two lines per request are replaced by one (request-logging.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // No overall request deadline: a large artifact upload may take long. Node's headersTimeout
    // still drops clients that never finish sending their headers.
    requestTimeout: 0,
    keepAliveTimeout: 65_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: {
      customOptions: { verbose: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false },
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    ...(inference ? { serverFactory: inference.serverFactory } : {}),
  });

  registerErrorHandling(app);
  registerRequestLogging(app);
  registerJsonBodyParser(app);

  await app.register(opsRoutes);
  for (const prefix of MLFLOW_PREFIXES) {
    await app.register(mlflowApi, { prefix, context: options.context });
  }
  await app.register(assayApi, {
    prefix: '/api/assay/v1',
    context: options.context,
    uploadLimitBytes: options.artifactUploadLimitBytes,
  });
  for (const prefix of MLFLOW_ARTIFACTS_PREFIXES) {
    await app.register(artifactProxyApi, {
      prefix,
      context: options.context,
      uploadLimitBytes: options.artifactUploadLimitBytes,
    });
  }
  await inference?.register(app);
  return app;
}
