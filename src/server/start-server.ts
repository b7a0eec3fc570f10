import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ServerConfig } from '../config/config.js';
import { openAssay, type AssayContext } from '../context.js';
import { redactStoreUri } from '../store/store-uri.js';
import { ASSAY_VERSION } from '../version.js';
import { buildApp } from './app.js';
import { gracefulStop, listeningUrl } from './listening.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly context: AssayContext;
  readonly url: string;
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
  let app: FastifyInstance;
  try {
    app = await buildApp({
      context,
      logger,
      bodyLimitBytes: config.bodyLimitBytes,
      artifactUploadLimitBytes: config.artifactUploadLimitBytes,
    });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await context.close();
    throw error;
  }
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

  const stop = gracefulStop(app, config.shutdownGraceMs, () => context.close());
  return { app, context, url, stop };
}

/** Stops cleanly on SIGTERM / SIGINT; a second signal exits at once. */
export function stopOnSignals(server: RunningServer, logger: { info(message: string): void }): void {
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
