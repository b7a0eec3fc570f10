import { InvalidParameterError } from '../errors/assay-error.js';
import { pyFloatRepr } from '../util/python-repr.js';
import { LIMITS } from './limits.js';

export type KeyKind = 'metric' | 'parameter' | 'tag';

const KEY_CHARACTERS = /^[/\p{L}\p{N}_.\- ]*$/u;

/**
 * MLflow's rules for metric, param and tag names: word characters, `_ - . / ` and space only, and
 * nothing that a file system would read as another name (keys become file names in MLflow's file store
 * and in exports, so `a//b` or `./a` must not alias `a/b` or `a`).
 */
export function validateKeyName(kind: KeyKind, key: string): void {
  if (!KEY_CHARACTERS.test(key)) {
    throw new InvalidParameterError(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
    );
  }
  const normalized = posixNormpath(key);
  if (normalized !== key || normalized === '.' || normalized.startsWith('..') || normalized.startsWith('/')) {
    throw new InvalidParameterError(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normalized}'`,
    );
  }
}

/** `<label> '<first 250 chars>' had length N, which exceeded length limit of L` */
export function validateLength(label: string, value: string, limit: number): void {
  const length = codePointLength(value);
  if (length > limit) {
    throw new InvalidParameterError(
      `${label} '${[...value].slice(0, 250).join('')}' had length ${length}, which exceeded length limit of ${limit}`,
    );
  }
}

export function validateParam(key: string, value: string): void {
  validateKeyName('parameter', key);
  validateLength('Param key', key, LIMITS.maxEntityKeyLength);
  validateLength('Param value', value, LIMITS.maxParamValueLength);
}

export function validateRunTag(key: string, value: string): void {
  validateKeyName('tag', key);
  validateLength('Tag key', key, LIMITS.maxEntityKeyLength);
  validateLength('Tag value', value, LIMITS.maxTagValueLength);
}

export function validateExperimentTag(key: string, value: string): void {
  validateKeyName('tag', key);
  validateLength('Tag key', key, LIMITS.maxEntityKeyLength);
  validateLength('Tag value', value, LIMITS.maxExperimentTagValueLength);
}

export function validateMetric(key: string, value: number, timestamp: number, step: number): void {
  validateMetricKey(key);
  validatePointNumbers(key, value, timestamp, step);
}

function validateMetricKey(key: string): void {
  validateKeyName('metric', key);
  validateLength('Metric name', key, LIMITS.maxEntityKeyLength);
}

function validatePointNumbers(key: string, value: number, timestamp: number, step: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new InvalidParameterError(
      `Got invalid timestamp ${timestamp} for metric '${key}' (value=${pyFloatRepr(value)}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  if (!Number.isSafeInteger(step)) {
    throw new InvalidParameterError(
      `Got invalid step ${step} for metric '${key}' (value=${pyFloatRepr(value)}). Step must be a valid long (64-bit integer).`,
    );
  }
}

/** Validates a batch of points, checking each distinct key's name once (batches repeat a few keys). */
export function validateMetrics(
  metrics: readonly { key: string; value: number; timestamp: number; step: number }[],
): void {
  const checkedKeys = new Set<string>();
  for (const metric of metrics) {
    if (!checkedKeys.has(metric.key)) {
      validateMetricKey(metric.key);
      checkedKeys.add(metric.key);
    }
    validatePointNumbers(metric.key, metric.value, metric.timestamp, metric.step);
  }
}

const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

export function validateRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw new InvalidParameterError(`Invalid run ID: '${runId}'`);
}

function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

/** Python's posixpath.normpath: collapses `//` and `.`, resolves `..` where it can. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const leadingSlashes = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && (parts.length > 0 ? parts[parts.length - 1] !== '..' : leadingSlashes > 0)) {
      if (parts.length > 0) parts.pop();
      continue;
    }
    parts.push(part);
  }
  const joined = '/'.repeat(leadingSlashes) + parts.join('/');
  return joined === '' ? '.' : joined;
}
