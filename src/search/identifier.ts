/**
 * How MLflow reads `entity.key` in filters and order_by: split on the first dot of the text as
 * written (so `"metrics.a"` has entity `"metrics`), check the entity prefix, then remove one pair of
 * quotes and one pair of backticks from the key. MLflow has three variants with different rules and
 * messages; each is here once, shared by the filter and order_by parsers that use it.
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import type { EntityType } from './filter-ast.js';
import { pySetRepr, pyTupleRepr } from '../util/python-repr.js';

export interface Identifier {
  readonly entity: EntityType;
  /** Quotes removed, attribute aliases NOT yet resolved (messages show the key as written). */
  readonly key: string;
}

function isQuoted(value: string, quote: string): boolean {
  return value.length >= 2 && value.startsWith(quote) && value.endsWith(quote);
}

function trimBackticks(value: string): string {
  return isQuoted(value, '`') ? value.slice(1, -1) : value;
}

function stripQuotes(value: string): string {
  return isQuoted(value, "'") || isQuoted(value, '"') ? value.slice(1, -1) : value;
}

function unquoteKey(key: string): string {
  return trimBackticks(stripQuotes(key));
}

/** A string value: `'x'` or `"x"` without its quotes; escapes are NOT processed (MLflow doesn't). */
export function quotedValue(text: string): string {
  if (isQuoted(text, "'") || isQuoted(text, '"')) return text.slice(1, -1);
  throw new InvalidParameterError(
    `Parameter value is either not quoted or unidentified quote types used for string value ${text}. Use either single or double quotes.`,
  );
}

function splitFirstDot(identifier: string): { prefix: string | undefined; key: string } {
  const dot = identifier.indexOf('.');
  return dot < 0
    ? { prefix: undefined, key: identifier }
    : { prefix: identifier.slice(0, dot), key: identifier.slice(dot + 1) };
}

function invalidAttributeKey(key: string, validKeys: readonly string[]): InvalidParameterError {
  return new InvalidParameterError(
    `Invalid attribute key '${key}' specified. Valid keys are '${pySetRepr(validKeys)}'`,
  );
}

const RUN_ENTITIES: ReadonlyMap<string, EntityType> = new Map([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['parameter', 'parameter'],
  ['parameters', 'parameter'],
  ['param', 'parameter'],
  ['params', 'parameter'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);

export const DATASET_KEYS = ['name', 'digest', 'context'] as const;

/** Runs (SearchUtils._get_identifier): many prefixes, backticks allowed around the prefix. */
export function runIdentifier(identifier: string, validAttributeKeys: readonly string[]): Identifier {
  const { prefix, key: rawKey } = splitFirstDot(identifier);
  const entityText = prefix === undefined ? 'attribute' : trimBackticks(prefix);
  const entity = RUN_ENTITIES.get(entityText);
  if (entity === undefined) {
    throw new InvalidParameterError(
      `Invalid entity type '${entityText}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`,
    );
  }
  const key = unquoteKey(rawKey);
  if (entity === 'attribute' && !validAttributeKeys.includes(key))
    throw invalidAttributeKey(key, validAttributeKeys);
  if (entity === 'dataset' && !(DATASET_KEYS as readonly string[]).includes(key)) {
    throw new InvalidParameterError(
      `Invalid dataset key '${key}' specified. Valid keys are '${pySetRepr(DATASET_KEYS)}'`,
    );
  }
  return { entity, key };
}

const SHORT_ENTITIES = ['attribute', 'tag', 'tags'] as const;

function shortEntity(prefix: string | undefined): EntityType {
  if (prefix === undefined || prefix === 'attribute') return 'attribute';
  if (prefix === 'tag' || prefix === 'tags') return 'tag';
  throw new InvalidParameterError(
    `Invalid entity type '${prefix}'. Valid entity types are ${pyTupleRepr(SHORT_ENTITIES)}`,
  );
}

/**
 * Experiments filters and order_by, and model-version order_by
 * (SearchExperimentsUtils._get_identifier): prefixes exactly attribute / tag / tags; the key is
 * unquoted before it is checked, so `` `name` `` and `"name"` work.
 */
export function experimentIdentifier(identifier: string, validAttributeKeys: readonly string[]): Identifier {
  const { prefix, key: rawKey } = splitFirstDot(identifier);
  const entity = shortEntity(prefix);
  const key = unquoteKey(rawKey);
  if (entity === 'attribute' && !validAttributeKeys.includes(key))
    throw invalidAttributeKey(key, validAttributeKeys);
  return { entity, key };
}

/**
 * Registered-model and model-version filters (_get_model_search_identifier): as for experiments,
 * but an attribute key is checked BEFORE unquoting, so `` `name` = 'a' `` is refused.
 */
export function registryIdentifier(identifier: string, validAttributeKeys: readonly string[]): Identifier {
  const { prefix, key: rawKey } = splitFirstDot(identifier);
  const entity = shortEntity(prefix);
  if (entity === 'attribute' && !validAttributeKeys.includes(rawKey))
    throw invalidAttributeKey(rawKey, validAttributeKeys);
  return { entity, key: unquoteKey(rawKey) };
}
