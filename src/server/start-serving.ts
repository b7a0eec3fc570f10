import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ServerConfig } from '../config/config.js';
import { openAssay, type AssayContext } from '../context.js';
import { ModelServer, type ServeRequest } from '../serving/model-server.js';
import { ServingMetrics } from '../serving/serving-metrics.js';
import {
  DEFAULT_PREDICTION_LOG,
  type PredictionLogOptions,
} from '../serving/prediction-log/prediction-log-options.js';
import { PredictionLog } from '../serving/prediction-log/prediction-log.js';
import { redactStoreUri } from '../store/store-uri.js';
import { ASSAY_VERSION } from '../version.js';
import { gracefulStop, listeningUrl } from './listening.js';
import { buildServingApp } from './serving-app.js';

export interface RunningServing {
  readonly app: FastifyInstance;
  readonly context: AssayContext;
  readonly models: ModelServer;
  readonly metrics: ServingMetrics;
  readonly log: PredictionLog | null;
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
  logging: PredictionLogOptions | null = DEFAULT_PREDICTION_LOG,
): Promise<RunningServing> {
  const logger = pino({ level: config.logLevel, base: { service: 'assay-serve' } });
  const context = await openAssay({ store: config.store, artifacts: config.artifacts });
  const metrics = new ServingMetrics();
  const models = new ModelServer(context.registeredModels, context.modelRegistration, metrics);
  const log = logging === null ? null : predictionLog(context, logging, metrics, logger);
  let app: FastifyInstance;
  try {
    await models.serve(requests);
    app = await buildServingApp({
      server: models,
      metrics,
      log,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
    });
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
      // After the models: every answered prediction is in the log by then.
      await log?.close();
    } finally {
      await context.close();
    }
  });
  return { app, context, models, metrics, log, url, stop };
}

/** How often at most a full log buffer is reported in the log (its count is in /metrics). */
const DROP_WARNING_MS = 10_000;

function predictionLog(
  context: AssayContext,
  options: PredictionLogOptions,
  metrics: ServingMetrics,
  logger: pino.Logger,
): PredictionLog {
  let warned = 0;
  return new PredictionLog(context.database, context.artifactStore, options, {
    onDropped: (rows) => {
      metrics.predictionsDropped(rows);
      if (Date.now() - warned < DROP_WARNING_MS) return;
      warned = Date.now();
      logger.warn(
        'prediction log buffer full: predictions are being dropped (assay_prediction_log_dropped_total)',
      );
    },
    onFlushError: (error) =>
      logger.error({ err: error }, 'prediction log flush failed: its predictions are lost'),
  });
}
