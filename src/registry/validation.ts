import { InvalidParameterError } from '../errors/assay-error.js';
import { validateKeyName, validateLength } from '../tracking/validation.js';
import { REGISTRY_LIMITS } from './limits.js';

/** MLflow's registry checks (mlflow/utils/validation.py), with its messages. */

export function validateModelName(name: string | undefined): asserts name is string {
  if (!name) throw new InvalidParameterError('Registered model name cannot be empty.');
}

/**
 * Python's `int(version)`: optional sign, digits with single underscores, surrounding whitespace.
 * The result may be negative or beyond the safe range; such numbers simply name no version.
 */
export function parseVersion(version: string | undefined): number {
  const text = version ?? '';
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) throw new InvalidParameterError(`Model version must be an integer, got '${text}'`);
  const magnitude = Number((match[2] ?? '').replaceAll('_', ''));
  return match[1] === '-' ? -magnitude : magnitude;
}

// Python's `\w` in a str pattern: Unicode letters and numbers, plus underscore.
const ALIAS_CHARACTERS = /^[\p{L}\p{N}_-]*$/u;
const VERSION_ALIAS = /^[vV]\p{Nd}+$/u;

export function validateAlias(alias: string | undefined): asserts alias is string {
  if (!alias) throw new InvalidParameterError('Registered model alias name cannot be empty.');
  if (!ALIAS_CHARACTERS.test(alias)) {
    throw new InvalidParameterError(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  validateLength('Registered model alias name', alias, REGISTRY_LIMITS.aliasLength);
  // `models:/name@latest` and `models:/name@v3` must keep meaning "newest" and "version 3".
  if (alias.toLowerCase() === 'latest') {
    throw new InvalidParameterError("'latest' alias name (case insensitive) is reserved.");
  }
  if (VERSION_ALIAS.test(alias))
    throw new InvalidParameterError(`Version alias name '${alias}' is reserved.`);
}

export function validateRegisteredModelTag(key: string, value: string): void {
  validateKeyName('tag', key);
  validateLength('Registered model key', key, REGISTRY_LIMITS.tagKeyLength);
  validateLength('Registered model value', value, REGISTRY_LIMITS.tagValueLength);
}

export function validateModelVersionTag(key: string, value: string): void {
  validateKeyName('tag', key);
  validateLength('Model version key', key, REGISTRY_LIMITS.tagKeyLength);
  validateLength('Model version value', value, REGISTRY_LIMITS.tagValueLength);
}

/** Tag deletion checks only the key's form. */
export function validateTagKey(key: string): void {
  validateKeyName('tag', key);
}
