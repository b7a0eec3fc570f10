import type { Command } from 'commander';
import { parseServerConfig, serverEnvironmentVariables as ENV } from '../../config/config.js';
import { parseModelRef } from '../../operations/model-refs.js';
import { batchingOptions, DEFAULT_BATCHING } from '../../serving/batching/batching-options.js';
import { DEFAULT_PREDICTION_LOG } from '../../serving/prediction-log/prediction-log-options.js';
import { UsageError } from '../usage-error.js';

interface ServeFlags {
  host?: string;
  port?: string;
  store?: string;
  artifacts?: string;
  logLevel?: string;
  maxBatchSize?: string;
  maxQueueDelay?: string;
  preferredBatchSize?: string[];
  maxQueueSize?: string;
  queueTimeout?: string;
  instances?: string;
  intraOpThreads?: string;
  logSampleRate?: string;
}

/** The port `assay serve` listens on unless told otherwise (the server's is 5000). */
const SERVE_PORT = 8080;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve registered models over KServe v2 (/v2/models/NAME/infer) and MLflow scoring (/invocations), with dynamic batching.',
    )
    .argument('<models...>', 'NAME@ALIAS or NAME@VERSION, one or more')
    .option('--host <host>', `interface to listen on (env ${ENV.host}, default 127.0.0.1)`)
    .option('--port <port>', `port to listen on (env ${ENV.port}, default ${SERVE_PORT})`)
    .option('--store <uri>', `registry store: sqlite:PATH or postgresql://... (env ${ENV.store})`)
    .option('--artifacts <uri>', `artifact root directory (env ${ENV.artifacts})`)
    .option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent (env ${ENV.logLevel})`)
    .option(
      '--max-batch-size <rows>',
      `rows per model call at most (default ${DEFAULT_BATCHING.maxBatchSize})`,
    )
    .option(
      '--max-queue-delay <ms>',
      'how long an incomplete batch may wait for more requests (default 0: never)',
    )
    .option(
      '--preferred-batch-size <rows>',
      'a batch size to cut at when the queue reaches it (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--max-queue-size <requests>',
      `requests waiting at most (default ${DEFAULT_BATCHING.maxQueueSize})`,
    )
    .option(
      '--queue-timeout <ms>',
      'how long a request may wait in the queue before it is answered 504, never run (default: no limit)',
    )
    .option('--instances <n>', `onnxruntime sessions side by side (default ${DEFAULT_BATCHING.instances})`)
    .option('--intra-op-threads <n>', `threads per session (default ${DEFAULT_BATCHING.intraOpThreads})`)
    .option(
      '--log-sample-rate <share>',
      'share of requests whose predictions are logged, 0 to 1 (default 1; 0 logs none)',
    )
    .action(async (refs: string[], flags: ServeFlags) => {
      const config = parseServerConfig(process.env, {
        host: flags.host,
        port: flags.port ?? (process.env[ENV.port] ? undefined : SERVE_PORT),
        store: flags.store,
        artifacts: flags.artifacts,
        logLevel: flags.logLevel,
      });
      const batching = batchingOptions({
        maxBatchSize: number('--max-batch-size', flags.maxBatchSize),
        maxQueueDelayMs: number('--max-queue-delay', flags.maxQueueDelay),
        preferredBatchSizes: flags.preferredBatchSize?.map(
          (size) => number('--preferred-batch-size', size) as number,
        ),
        maxQueueSize: number('--max-queue-size', flags.maxQueueSize),
        queueTimeoutMs: number('--queue-timeout', flags.queueTimeout),
        instances: number('--instances', flags.instances),
        intraOpThreads: number('--intra-op-threads', flags.intraOpThreads),
      });
      const requests = refs.map((ref) => ({ model: parseModelRef(ref, 'model'), batching }));
      const sampleRate =
        number('--log-sample-rate', flags.logSampleRate) ?? DEFAULT_PREDICTION_LOG.sampleRate;
      if (sampleRate < 0 || sampleRate > 1) {
        throw new UsageError(`--log-sample-rate must be between 0 and 1, got ${sampleRate}`);
      }
      const { startServing } = await import('../../server/start-serving.js');
      const { stopOnSignals } = await import('../../server/start-server.js');
      const logging = sampleRate === 0 ? null : { ...DEFAULT_PREDICTION_LOG, sampleRate };
      const serving = await startServing(config, requests, process.stdout, logging);
      stopOnSignals(serving, { info: (message) => serving.app.log.info(message) });
    });
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number, got '${text}'`);
  return value;
}
