import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ServerConfig } from '../config/config.js';
import { openAssay, type AssayContext } from '../context.js';
import { localCatalog, type ModelCatalog } from '../serving/model-catalog.js';
import { remoteCatalog } from '../serving/remote-catalog.js';
import { ModelServer, type ServeRequest } from '../serving/model-server.js';
import { ServingMetrics } from '../serving/serving-metrics.js';
import {
  DEFAULT_PREDICTION_LOG,
  type PredictionLogOptions,
} from '../serving/prediction-log/prediction-log-options.js';
import {
  PredictionLog,
  remotePredictionRecorder,
  type LogHooks,
} from '../serving/prediction-log/prediction-log.js';
import type { PredictionRecorder } from '../serving/prediction-log/prediction-recorder.js';
import { redactStoreUri } from '../store/store-uri.js';
import { ASSAY_VERSION } from '../version.js';
import { gracefulStop, listeningUrl } from './listening.js';
import { buildServingApp } from './serving-app.js';

export interface RunningServing {
  readonly app: FastifyInstance;
  /** The store it opened; null when it reads from and writes to a server (`--uri`). */
  readonly context: AssayContext | null;
  readonly models: ModelServer;
  readonly metrics: ServingMetrics;
  readonly log: PredictionRecorder | null;
  readonly url: string;
  /** Stops accepting, answers what is queued, unloads the models, closes the store. */
  stop(): Promise<void>;
}

/**
 * `assay serve`: opens the store (or, given `serverUri`, reads the registry from that Assay server
 * and uploads its prediction log there), loads and warms up every model, then listens. Nothing is
 * served until every model is ready; a model that fails to load stops the start with its reason.
 */
export async function startServing(
  config: ServerConfig,
  requests: readonly ServeRequest[],
  output: NodeJS.WritableStream = process.stdout,
  logging: PredictionLogOptions | null = DEFAULT_PREDICTION_LOG,
  serverUri: string | null = null,
): Promise<RunningServing> {
  const logger = pino({ level: config.logLevel, base: { service: 'assay-serve' } });
  const context =
    serverUri === null ? await openAssay({ store: config.store, artifacts: config.artifacts }) : null;
  const catalog: ModelCatalog = context
    ? localCatalog(context.registeredModels, context.modelRegistration)
    : remoteCatalog(serverUri as string);
  const metrics = new ServingMetrics();
  const models = new ModelServer(catalog, metrics, {
    onStatus: (name, status) => {
      if (status.error !== null) logger.error({ deployment: name, error: status.error }, 'serving error');
      else logger.info({ deployment: name, version: status.servedVersion }, 'serving');
    },
  });
  const log =
    logging === null
      ? null
      : context
        ? predictionLog(context, logging, metrics, logger)
        : remotePredictionRecorder(serverUri as string, logging, logHooks(metrics, logger));
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
    await log?.close();
    await context?.close();
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
      context
        ? `  registry: ${redactStoreUri(config.store)} (${context.database.dialect})`
        : `  registry and prediction log: the Assay server at ${redactStoreUri(serverUri as string)}`,
      '',
    ].join('\n'),
  );

  // Aliases are followed: a moved alias swaps its new version in (ModelServer.refresh).
  const follow = setInterval(() => void models.refresh(), config.deploymentPollMs);
  follow.unref();
  const stop = gracefulStop(app, config.shutdownGraceMs, async () => {
    clearInterval(follow);
    try {
      await models.close();
      // After the models: every answered prediction is in the log by then.
      await log?.close();
    } finally {
      await context?.close();
    }
  });
  return { app, context, models, metrics, log, url, stop };
}

/** How often at most a full log buffer is reported in the log (its count is in /metrics). */
const DROP_WARNING_MS = 10_000;

/** The prediction log of a serving process, its drops counted in /metrics and warned of in the log. */
export function predictionLog(
  context: AssayContext,
  options: PredictionLogOptions = DEFAULT_PREDICTION_LOG,
  metrics: ServingMetrics,
  logger: pino.Logger,
): PredictionLog {
  return new PredictionLog(context.database, context.artifactStore, options, logHooks(metrics, logger));
}

function logHooks(metrics: ServingMetrics, logger: pino.Logger): LogHooks {
  let warned = 0;
  return {
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
  };
}
