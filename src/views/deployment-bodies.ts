import type { BatchingOptions } from '../serving/batching/batching-options.js';
import type { CanaryInput } from '../serving/deployments/deployment-validation.js';
import type { CreateDeploymentInput, DeploymentPatch } from '../serving/deployments/deployments-service.js';
import type {
  BatchingBody,
  CanaryBody,
  CreateDeploymentBody,
  DeploymentPatchBody,
} from './deployment-views.js';

/**
 * Deployment request bodies (snake_case JSON) to the service's input and back: the routes read
 * bodies, the HTTP client writes them, and both agree field for field.
 */

export function createDeploymentInput(body: CreateDeploymentBody): CreateDeploymentInput {
  return { name: body.name, ...deploymentPatch(body), model: body.model };
}

export function deploymentPatch(body: DeploymentPatchBody): DeploymentPatch {
  return {
    model: body.model,
    canary: body.canary ? canaryInput(body.canary) : body.canary,
    shadow: body.shadow,
    batching: body.batching && batchingInput(body.batching),
    logSampleRate: body.log_sample_rate,
  };
}

export function createDeploymentBody(input: CreateDeploymentInput): CreateDeploymentBody {
  return { name: input.name, ...deploymentPatchBody(input), model: input.model };
}

/** Fields left undefined stay out of the JSON: on PATCH, absent means unchanged. */
export function deploymentPatchBody(patch: DeploymentPatch): DeploymentPatchBody {
  return {
    model: patch.model,
    canary: patch.canary ? canaryBody(patch.canary) : patch.canary,
    shadow: patch.shadow,
    batching: patch.batching && batchingBody(patch.batching),
    log_sample_rate: patch.logSampleRate,
  };
}

function canaryInput(body: CanaryBody): CanaryInput {
  return {
    model: body.model,
    percent: body.percent,
    maxErrorRate: body.max_error_rate,
    maxP99Ms: body.max_p99_ms,
    minRequests: body.min_requests,
    windowSeconds: body.window_seconds,
  };
}

function canaryBody(input: CanaryInput): CanaryBody {
  return {
    model: input.model,
    percent: input.percent,
    max_error_rate: input.maxErrorRate,
    max_p99_ms: input.maxP99Ms,
    min_requests: input.minRequests,
    window_seconds: input.windowSeconds,
  };
}

function batchingInput(body: BatchingBody): Partial<BatchingOptions> {
  return {
    maxBatchSize: body.max_batch_size,
    maxQueueDelayMs: body.max_queue_delay_ms,
    preferredBatchSizes: body.preferred_batch_sizes,
    maxQueueSize: body.max_queue_size,
    queueTimeoutMs: body.queue_timeout_ms,
    instances: body.instances,
    intraOpThreads: body.intra_op_threads,
  };
}

function batchingBody(options: Partial<BatchingOptions>): BatchingBody {
  return {
    max_batch_size: options.maxBatchSize,
    max_queue_delay_ms: options.maxQueueDelayMs,
    preferred_batch_sizes: options.preferredBatchSizes,
    max_queue_size: options.maxQueueSize,
    queue_timeout_ms: options.queueTimeoutMs,
    instances: options.instances,
    intra_op_threads: options.intraOpThreads,
  };
}
