import type { Command } from 'commander';
import { parseServerConfig, serverEnvironmentVariables as ENV } from '../../config/config.js';
import { parseModelRef, type ModelSelector } from '../../operations/model-refs.js';
import { batchingOptions } from '../../serving/batching/batching-options.js';
import { DEFAULT_PREDICTION_LOG } from '../../serving/prediction-log/prediction-log-options.js';
import { globalOptions } from '../global-options.js';
import { UsageError } from '../usage-error.js';
import { addBatchingFlags, batchingFlags, numberFlag, type BatchingFlags } from './batching-flags.js';

interface ServeFlags extends BatchingFlags {
  host?: string;
  port?: string;
  store?: string;
  artifacts?: string;
  logLevel?: string;
  logSampleRate?: string;
}

/** The port `assay serve` listens on unless told otherwise (the server's is 5000). */
const SERVE_PORT = 8080;

export function registerServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description(
      'Serve registered models over KServe v2 (/v2/models/NAME/infer) and MLflow scoring (/invocations), with dynamic batching.',
    )
    .argument(
      '<models...>',
      'NAME@ALIAS or NAME@VERSION, one or more; SERVED=NAME@REF serves it as SERVED (/v2/models/SERVED/...)',
    )
    .option('--host <host>', `interface to listen on (env ${ENV.host}, default 127.0.0.1)`)
    .option('--port <port>', `port to listen on (env ${ENV.port}, default ${SERVE_PORT})`)
    .option(
      '--store <uri>',
      `registry store: sqlite:PATH or postgresql://... (env ${ENV.store}); or --uri SERVER to read the registry from an Assay server and log predictions there`,
    )
    .option('--artifacts <uri>', `artifact root directory (env ${ENV.artifacts})`)
    .option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent (env ${ENV.logLevel})`);
  addBatchingFlags(serve)
    .option(
      '--log-sample-rate <share>',
      'share of requests whose predictions are logged, 0 to 1 (default 1; 0 logs none)',
    )
    .action(async (refs: string[], flags: ServeFlags, command: Command) => {
      // `--uri SERVER` (or ASSAY_URI): the registry and the prediction log are that server's.
      const { uri } = globalOptions(command);
      if (uri !== undefined && (flags.store !== undefined || flags.artifacts !== undefined)) {
        throw new UsageError('give --uri (an Assay server) or --store/--artifacts, not both');
      }
      const config = parseServerConfig(process.env, {
        host: flags.host,
        port: flags.port ?? (process.env[ENV.port] ? undefined : SERVE_PORT),
        store: flags.store,
        artifacts: flags.artifacts,
        logLevel: flags.logLevel,
      });
      const batching = batchingOptions(batchingFlags(flags));
      const requests = refs.map((ref) => ({ ...servedModel(ref), batching }));
      const sampleRate =
        numberFlag('--log-sample-rate', flags.logSampleRate) ?? DEFAULT_PREDICTION_LOG.sampleRate;
      if (sampleRate < 0 || sampleRate > 1) {
        throw new UsageError(`--log-sample-rate must be between 0 and 1, got ${sampleRate}`);
      }
      const { startServing } = await import('../../server/start-serving.js');
      const { stopOnSignals } = await import('../../server/start-server.js');
      const logging = sampleRate === 0 ? null : { ...DEFAULT_PREDICTION_LOG, sampleRate };
      const serving = await startServing(config, requests, process.stdout, logging, uri ?? null);
      stopOnSignals(serving, { info: (message) => serving.app.log.info(message) });
    });
}

/** `NAME@REF`, served under the registered name, or `SERVED=NAME@REF`, served as SERVED. */
function servedModel(ref: string): { model: ModelSelector; servedName: string | undefined } {
  const equals = ref.indexOf('=');
  if (equals < 0) return { model: parseModelRef(ref, 'model'), servedName: undefined };
  const servedName = ref.slice(0, equals);
  if (servedName === '' || servedName.includes('/')) {
    throw new UsageError(`'${ref}': the served name before '=' must be non-empty and hold no '/'`);
  }
  return { model: parseModelRef(ref.slice(equals + 1), 'model'), servedName };
}
