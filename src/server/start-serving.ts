import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ServerConfig } from '../config/config.js';
import { openAssay, type AssayContext } from '../context.js';
import { ModelServer, type ServeRequest } from '../serving/model-server.js';
import { ServingMetrics } from '../serving/serving-metrics.js';
import { redactStoreUri } from '../store/store-uri.js';
import { ASSAY_VERSION } from '../version.js';
import { gracefulStop, listeningUrl } from './listening.js';
import { buildServingApp } from './serving-app.js';

export interface RunningServing {
  readonly app: FastifyInstance;
  readonly context: AssayContext;
  readonly models: ModelServer;
  readonly metrics: ServingMetrics;
  readonly url: string;
  /** Stops accepting, answers what is queued, unloads the models, closes the store. */
  stop(): Promise<void>;
}

/**
 * `assay serve`: opens the store, loads and warms up every model, then listens. Nothing is
 * served until every model is ready; a model that fails to load stops the start with its reason.
 */
export async function startServing(
  config: ServerConfig,
  requests: readonly ServeRequest[],
  output: NodeJS.WritableStream = process.stdout,
): Promise<RunningServing> {
  const logger = pino({ level: config.logLevel, base: { service: 'assay-serve' } });
  const context = await openAssay({ store: config.store, artifacts: config.artifacts });
  const metrics = new ServingMetrics();
  const models = new ModelServer(context.registeredModels, context.modelRegistration, metrics);
  let app: FastifyInstance;
  try {
    await models.serve(requests);
    app = await buildServingApp({ server: models, metrics, logger, bodyLimitBytes: config.bodyLimitBytes });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await models.close();
    await context.close();
    throw error;
  }
  const url = listeningUrl(app, config);
  output.write(
    [
      `Assay ${ASSAY_VERSION} serving on ${url}`,
      ...models
        .list()
        .map(
          (model) =>
            `  ${model.name} (version ${model.version}): ${url}/v2/models/${model.name}/infer, ${url}/models/${model.name}/invocations`,
        ),
      `  registry: ${redactStoreUri(config.store)} (${context.database.dialect})`,
      '',
    ].join('\n'),
  );

  const stop = gracefulStop(app, config.shutdownGraceMs, async () => {
    try {
      await models.close();
    } finally {
      await context.close();
    }
  });
  return { app, context, models, metrics, url, stop };
}
