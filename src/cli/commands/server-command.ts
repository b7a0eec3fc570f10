import type { Command } from 'commander';
import { parseServerConfig, serverEnvironmentVariables as ENV } from '../../config/config.js';

interface ServerFlags {
  host?: string;
  port?: string;
  store?: string;
  artifacts?: string;
  logLevel?: string;
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the Assay server: MLflow-compatible tracking, model registry and artifacts.')
    .option('--host <host>', `interface to listen on (env ${ENV.host}, default 127.0.0.1)`)
    .option('--port <port>', `port to listen on (env ${ENV.port}, default 5000)`)
    .option(
      '--store <uri>',
      `metadata store: sqlite:PATH or postgresql://... (env ${ENV.store}, default sqlite:./assay-data/assay.db)`,
    )
    .option(
      '--artifacts <uri>',
      `artifact root directory (env ${ENV.artifacts}, default ./assay-data/artifacts)`,
    )
    .option(
      '--log-level <level>',
      `fatal|error|warn|info|debug|trace|silent (env ${ENV.logLevel}, default info)`,
    )
    .action(async (flags: ServerFlags) => {
      const config = parseServerConfig(process.env, flags);
      const { startServer, stopOnSignals } = await import('../../server/start-server.js');
      const server = await startServer(config);
      stopOnSignals(server, { info: (message) => server.app.log.info(message) });
    });
}
