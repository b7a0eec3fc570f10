/**
 * The run attributes MLflow lets a search filter or order_by name, in the declaration order of its
 * source (messages print them as a Python set; see comparators.ts on order), and their aliases.
 */

/** VALID_SEARCH_ATTRIBUTE_KEYS: RunInfo's searchable attributes plus the aliases. */
export const RUN_FILTER_KEYS = [
  'run_id',
  'run_name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'artifact_uri',
  'created',
  'Created',
  'run name',
  'Run name',
  'Run Name',
] as const;

/** VALID_ORDER_BY_ATTRIBUTE_KEYS: the `Run name` aliases are not accepted in order_by. */
export const RUN_ORDER_BY_KEYS = [
  'run_id',
  'run_name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'artifact_uri',
  'created',
  'Created',
] as const;

/** NUMERIC_ATTRIBUTES, aliases included (checked on the key as written). */
export const RUN_NUMERIC_KEYS = ['start_time', 'end_time', 'created', 'Created'] as const;

/** SearchUtils.translate_key_alias: `created` -> start_time, `Run name` -> run_name. */
export function canonicalRunAttribute(key: string): string {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
  return key;
}
