import { InvalidParameterError } from '../../errors/assay-error.js';
import { formatModelRef, type ModelSelector } from '../../operations/model-refs.js';
import { batchingOptions, type BatchingOptions } from '../batching/batching-options.js';
import { DEFAULT_HALT_RULES, type CanaryHaltRules, type CanarySpec } from './deployment-spec.js';

/**
 * The pure checks of a deployment's definition (those that need the registry are in
 * deployments-service.ts). Every message names the field as the API spells it.
 */

/** A served name is at most this long: it appears in URL paths and metric labels. */
export const MAX_DEPLOYMENT_NAME_LENGTH = 256;

/** Longest canary window: the halt rules are judged over the requests it holds. */
export const MAX_CANARY_WINDOW_SECONDS = 3600;

/** A canary as given: on an update, what is left out keeps its current value. */
export interface CanaryInput {
  /** NAME@VERSION or NAME@ALIAS. */
  readonly model?: string | undefined;
  /** Share of requests sent to the canary, above 0 and at most 100. */
  readonly percent?: number | undefined;
  /** 0 to 1; null: no limit. */
  readonly maxErrorRate?: number | null | undefined;
  /** Milliseconds; null: no limit. */
  readonly maxP99Ms?: number | null | undefined;
  readonly minRequests?: number | undefined;
  readonly windowSeconds?: number | undefined;
}

/** Registered model names' rules (not empty), and no '/' nor control characters: it is a URL path segment. */
export function validateDeploymentName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new InvalidParameterError('name cannot be empty');
  if (name.includes('/')) {
    throw new InvalidParameterError(`name '${name}' is not a valid deployment name: it cannot contain '/'`);
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new InvalidParameterError(`name ${JSON.stringify(name)} cannot contain control characters`);
  }
  if (name.length > MAX_DEPLOYMENT_NAME_LENGTH) {
    throw new InvalidParameterError(
      `name is ${name.length} characters long; a deployment name has at most ${MAX_DEPLOYMENT_NAME_LENGTH}`,
    );
  }
}

/**
 * The canary `input` describes, over the `previous` one (null: there is none, so model and percent
 * are required). `model` is the canary's selector, already checked against the registry, when the
 * input names one.
 */
export function canarySpec(
  input: CanaryInput,
  model: ModelSelector | null,
  previous: CanarySpec | null,
): CanarySpec {
  const selector = model ?? previous?.model;
  if (!selector) throw new InvalidParameterError('canary.model is required: NAME@VERSION or NAME@ALIAS');
  const percent = input.percent ?? previous?.percent;
  if (percent === undefined) {
    throw new InvalidParameterError(
      'canary.percent is required: the share of requests, above 0 and at most 100',
    );
  }
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent <= 0 || percent > 100) {
    throw new InvalidParameterError(
      `canary.percent must be a number above 0 and at most 100, got ${String(percent)}`,
    );
  }
  return { model: selector, percent, halt: haltRules(input, previous?.halt ?? DEFAULT_HALT_RULES) };
}

function haltRules(input: CanaryInput, previous: CanaryHaltRules): CanaryHaltRules {
  const maxErrorRate = input.maxErrorRate === undefined ? previous.maxErrorRate : input.maxErrorRate;
  if (maxErrorRate !== null && !(isNumber(maxErrorRate) && maxErrorRate >= 0 && maxErrorRate <= 1)) {
    throw new InvalidParameterError(
      `canary.max_error_rate must be a share from 0 to 1 (or null: no limit), got ${String(maxErrorRate)}`,
    );
  }
  const maxP99Ms = input.maxP99Ms === undefined ? previous.maxP99Ms : input.maxP99Ms;
  if (maxP99Ms !== null && !(isNumber(maxP99Ms) && maxP99Ms > 0)) {
    throw new InvalidParameterError(
      `canary.max_p99_ms must be a number of milliseconds above 0 (or null: no limit), got ${String(maxP99Ms)}`,
    );
  }
  const minRequests = input.minRequests ?? previous.minRequests;
  if (!Number.isSafeInteger(minRequests) || minRequests < 1) {
    throw new InvalidParameterError(
      `canary.min_requests must be a positive integer, got ${String(minRequests)}`,
    );
  }
  const windowSeconds = input.windowSeconds ?? previous.windowMs / 1000;
  if (!(isNumber(windowSeconds) && windowSeconds >= 1 && windowSeconds <= MAX_CANARY_WINDOW_SECONDS)) {
    throw new InvalidParameterError(
      `canary.window_seconds must be from 1 to ${MAX_CANARY_WINDOW_SECONDS} seconds, got ${String(windowSeconds)}`,
    );
  }
  return { maxErrorRate, maxP99Ms, minRequests, windowMs: Math.round(windowSeconds * 1000) };
}

/** `given` over `previous` (what `given` leaves out keeps its value), each option checked. */
export function mergeBatching(
  given: Partial<BatchingOptions> | undefined,
  previous?: BatchingOptions,
): BatchingOptions {
  const defined = Object.fromEntries(
    Object.entries(given ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<BatchingOptions>;
  try {
    return batchingOptions({ ...previous, ...defined });
  } catch (error) {
    if (error instanceof InvalidParameterError) throw new InvalidParameterError(`batching: ${error.message}`);
    throw error;
  }
}

export function validateSampleRate(rate: unknown): asserts rate is number {
  if (!(isNumber(rate) && rate >= 0 && rate <= 1)) {
    throw new InvalidParameterError(
      `log_sample_rate must be a share from 0 to 1 (0 logs nothing), got ${String(rate)}`,
    );
  }
}

/** A canary or shadow that is the main model itself would compare it with itself. */
export function refuseSameSelector(field: string, selector: ModelSelector, main: ModelSelector): void {
  if (selector.name === main.name && selector.version === main.version && selector.alias === main.alias) {
    throw new InvalidParameterError(
      `${field} '${formatModelRef(main)}' is the deployment's own model: name another version or alias`,
    );
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
