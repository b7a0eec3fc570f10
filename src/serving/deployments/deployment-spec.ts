import type { ModelSelector } from '../../operations/model-refs.js';
import type { BatchingOptions } from '../batching/batching-options.js';

/**
 * When a canary is halted: all its traffic goes back to the main version, and why is recorded.
 * A rule is judged only once the canary has answered `minRequests` requests in the window.
 */
export interface CanaryHaltRules {
  /** Share of the canary's requests that failed on the server side (5xx), 0 to 1; null: no limit. */
  readonly maxErrorRate: number | null;
  /** The canary's p99 request latency in milliseconds; null: no limit. */
  readonly maxP99Ms: number | null;
  /** Requests the canary must have answered in the window before a rule is judged. */
  readonly minRequests: number;
  /** The sliding window the rules look at, in milliseconds. */
  readonly windowMs: number;
}

export const DEFAULT_HALT_RULES: CanaryHaltRules = {
  maxErrorRate: 0.05,
  maxP99Ms: null,
  minRequests: 50,
  windowMs: 60_000,
};

export interface CanarySpec {
  readonly model: ModelSelector;
  /** Share of requests sent to the canary, 0 to 100 (percent). */
  readonly percent: number;
  readonly halt: CanaryHaltRules;
}

export interface ShadowSpec {
  readonly model: ModelSelector;
}

/**
 * What a deployment serves, as its owner asked for it. It names models by selector: a deployment on
 * an alias follows the alias (src/serving/deployments/deployment-runtime.ts).
 */
export interface DeploymentSpec {
  /** The name clients use: `/v2/models/{name}/infer`, `/models/{name}/invocations`. */
  readonly name: string;
  readonly model: ModelSelector;
  readonly canary: CanarySpec | null;
  readonly shadow: ShadowSpec | null;
  readonly batching: BatchingOptions;
  /** Share of requests whose predictions are logged, 0 to 1. */
  readonly logSampleRate: number;
}

export type DeploymentState = 'loading' | 'ready' | 'failed';

/** Why a canary was halted, and when (epoch ms). */
export interface CanaryHalt {
  readonly reason: string;
  readonly at: number;
}

/**
 * What a serving process made of a deployment, written back by it: which versions it serves, the
 * last error (a version that failed to load leaves the previous one serving: state stays 'ready'),
 * a halted canary and the shadow's live diff.
 */
export interface DeploymentStatus {
  readonly state: DeploymentState;
  readonly servedVersion: number | null;
  readonly canaryVersion: number | null;
  readonly shadowVersion: number | null;
  readonly error: string | null;
  readonly canaryHalt: CanaryHalt | null;
  /** The shadow's accumulated disagreement with the served version (JSON, see live-diff.ts). */
  readonly shadowDiff: Record<string, unknown> | null;
  /** Epoch ms of this report. */
  readonly updatedAt: number;
}
