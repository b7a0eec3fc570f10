import { formatModelRef } from '../operations/model-refs.js';
import type { BatchingOptions } from '../serving/batching/batching-options.js';
import type { DeploymentRecord } from '../serving/deployments/deployment-record.js';
import type { CanarySpec, DeploymentStatus } from '../serving/deployments/deployment-spec.js';
import type { BatchingView, CanaryView, DeploymentStatusView, DeploymentView } from './deployment-views.js';

export function deploymentView(record: DeploymentRecord): DeploymentView {
  const { spec } = record;
  return {
    name: spec.name,
    model: formatModelRef(spec.model),
    canary: spec.canary ? canaryView(spec.canary) : null,
    shadow: spec.shadow ? { model: formatModelRef(spec.shadow.model) } : null,
    batching: batchingView(spec.batching),
    log_sample_rate: spec.logSampleRate,
    generation: record.generation,
    creation_time: record.createdAt,
    last_updated_time: record.updatedAt,
    status: record.status ? statusView(record.status, record.statusGeneration) : null,
  };
}

function canaryView(canary: CanarySpec): CanaryView {
  return {
    model: formatModelRef(canary.model),
    percent: canary.percent,
    max_error_rate: canary.halt.maxErrorRate,
    max_p99_ms: canary.halt.maxP99Ms,
    min_requests: canary.halt.minRequests,
    window_seconds: canary.halt.windowMs / 1000,
  };
}

export function batchingView(batching: BatchingOptions): BatchingView {
  return {
    max_batch_size: batching.maxBatchSize,
    max_queue_delay_ms: batching.maxQueueDelayMs,
    preferred_batch_sizes: [...batching.preferredBatchSizes],
    max_queue_size: batching.maxQueueSize,
    queue_timeout_ms: batching.queueTimeoutMs,
    instances: batching.instances,
    intra_op_threads: batching.intraOpThreads,
  };
}

function statusView(status: DeploymentStatus, generation: number | null): DeploymentStatusView {
  return {
    state: status.state,
    served_version: status.servedVersion,
    canary_version: status.canaryVersion,
    shadow_version: status.shadowVersion,
    error: status.error,
    canary_halt: status.canaryHalt ? { reason: status.canaryHalt.reason, time: status.canaryHalt.at } : null,
    shadow_diff: status.shadowDiff,
    updated_at: status.updatedAt,
    generation,
  };
}
