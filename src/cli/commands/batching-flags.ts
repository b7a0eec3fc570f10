import type { Command } from 'commander';
import { DEFAULT_BATCHING, type BatchingOptions } from '../../serving/batching/batching-options.js';
import { UsageError } from '../usage-error.js';

/** The batching flags as commander hands them over (text; repeatable ones as lists). */
export interface BatchingFlags {
  maxBatchSize?: string;
  maxQueueDelay?: string;
  preferredBatchSize?: string[];
  maxQueueSize?: string;
  queueTimeout?: string;
  instances?: string;
  intraOpThreads?: string;
}

/**
 * Adds the dynamic-batching flags (`assay serve`, `assay deployments create|update`), named after
 * Triton's batcher. `defaults`: say in the help what an absent flag means (on an update, it means
 * "unchanged").
 */
export function addBatchingFlags(command: Command, defaults = true): Command {
  const by = (text: string): string => (defaults ? ` (default ${text})` : '');
  return command
    .option(
      '--max-batch-size <rows>',
      `rows per model call at most${by(String(DEFAULT_BATCHING.maxBatchSize))}`,
    )
    .option(
      '--max-queue-delay <ms>',
      `how long an incomplete batch may wait for more requests${by('0: never')}`,
    )
    .option(
      '--preferred-batch-size <rows>',
      'a batch size to cut at when the queue reaches it (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--max-queue-size <requests>',
      `requests waiting at most${by(String(DEFAULT_BATCHING.maxQueueSize))}`,
    )
    .option(
      '--queue-timeout <ms>',
      `how long a request may wait in the queue before it is answered 504, never run${by('no limit')}`,
    )
    .option('--instances <n>', `onnxruntime sessions side by side${by(String(DEFAULT_BATCHING.instances))}`)
    .option('--intra-op-threads <n>', `threads per session${by(String(DEFAULT_BATCHING.intraOpThreads))}`);
}

/** The options the flags set (absent flags stay undefined), read as numbers; checking ranges is batchingOptions'. */
export function batchingFlags(flags: BatchingFlags): Partial<BatchingOptions> {
  return {
    maxBatchSize: numberFlag('--max-batch-size', flags.maxBatchSize),
    maxQueueDelayMs: numberFlag('--max-queue-delay', flags.maxQueueDelay),
    preferredBatchSizes: flags.preferredBatchSize?.map(
      (size) => numberFlag('--preferred-batch-size', size) as number,
    ),
    maxQueueSize: numberFlag('--max-queue-size', flags.maxQueueSize),
    queueTimeoutMs: numberFlag('--queue-timeout', flags.queueTimeout),
    instances: numberFlag('--instances', flags.instances),
    intraOpThreads: numberFlag('--intra-op-threads', flags.intraOpThreads),
  };
}

/** Whether any batching flag was given. */
export function hasBatchingFlags(flags: BatchingFlags): boolean {
  return Object.values(batchingFlags(flags)).some((value) => value !== undefined);
}

export function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number, got '${text}'`);
  return value;
}
