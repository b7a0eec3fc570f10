import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ServerConfig } from '../config/config.js';
import { openAssay, type AssayContext } from '../context.js';
import { DeploymentRuntime } from '../serving/deployments/deployment-runtime.js';
import type { DeploymentStatus } from '../serving/deployments/deployment-spec.js';
import type { DeploymentsService } from '../serving/deployments/deployments-service.js';
import { localCatalog } from '../serving/model-catalog.js';
import { ModelServer } from '../serving/model-server.js';
import { ServingMetrics } from '../serving/serving-metrics.js';
import { redactStoreUri } from '../store/store-uri.js';
import { ASSAY_VERSION } from '../version.js';
import { buildApp } from './app.js';
import { gracefulStop, listeningUrl } from './listening.js';
import { predictionLog } from './start-serving.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly context: AssayContext;
  readonly url: string;
  /** The deployments served on the same port. */
  readonly models: ModelServer;
  readonly deployments: DeploymentRuntime;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the store. */
  stop(): Promise<void>;
}

/** Opens the store, starts listening, and prints where and on what. */
export async function startServer(
  config: ServerConfig,
  output: NodeJS.WritableStream = process.stdout,
): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel, base: { service: 'assay' } });
  const context = await openAssay({ store: config.store, artifacts: config.artifacts });
  const metrics = new ServingMetrics();
  const log = predictionLog(context, undefined, metrics, logger);
  // The runtime reports statuses through the ModelServer's hook; it exists once both do.
  let runtime: DeploymentRuntime | null = null;
  const models = new ModelServer(localCatalog(context.registeredModels, context.modelRegistration), metrics, {
    onStatus: (name, status, generation) => runtime?.report(name, status, generation),
  });
  runtime = new DeploymentRuntime(
    models,
    deploymentSource(context.deployments),
    config.deploymentPollMs,
    logger,
  );
  let app: FastifyInstance;
  try {
    app = await buildApp({
      context,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      artifactUploadLimitBytes: config.artifactUploadLimitBytes,
      inference: { server: models, metrics, log },
    });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await log.close();
    await context.close();
    throw error;
  }
  const deployments = runtime;
  // Deployments load in the background: the API answers at once, each deployment once it is warm.
  void deployments.start();
  const url = listeningUrl(app, config);
  output.write(
    [
      `Assay ${ASSAY_VERSION} listening on ${url}`,
      `  metadata store: ${redactStoreUri(config.store)} (${context.database.dialect})`,
      `  artifacts:      ${context.artifactStore.description}`,
      `  MLflow clients: export MLFLOW_TRACKING_URI=${url}`,
      '',
    ].join('\n'),
  );

  const stop = gracefulStop(app, config.shutdownGraceMs, async () => {
    try {
      await deployments.stop();
      await models.close();
      // After the models: every answered prediction is in the log by then.
      await log.close();
    } finally {
      await context.close();
    }
  });
  return { app, context, url, models, deployments, stop };
}

/**
 * The runtime's view of the stored deployments. A deployment deleted and created again starts at
 * generation 1 again, so the creation time is part of what the runtime compares.
 */
function deploymentSource(service: DeploymentsService) {
  return {
    async list() {
      const stored = await service.listForServing();
      return stored.map((each) => ({
        spec: each.spec,
        generation: `${each.createdAt}:${each.generation}`,
        canaryHalt: each.canaryHalt,
      }));
    },
    async saveStatus(name: string, status: DeploymentStatus, generation: string) {
      // The stored generation after the creation time (see list).
      await service.saveStatus(name, status, Number(generation.split(':')[1]));
    },
    onChange: (listener: () => void) => service.onChange(() => listener()),
  };
}

/** Stops cleanly on SIGTERM / SIGINT; a second signal exits at once. */
export function stopOnSignals(
  server: Pick<RunningServer, 'stop'>,
  logger: { info(message: string): void },
): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info(`received ${signal}: finishing in-flight requests and closing the store`);
    server.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.info(`stopped with an error: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
