import { InvalidParameterError } from '../../errors/assay-error.js';
import { invalidParameterMessage, missingParameterMessage } from '../../errors/request-messages.js';
import {
  RUN_STATUSES,
  VIEW_TYPES,
  type KeyValue,
  type RunStatus,
  type ViewType,
} from '../../tracking/entities.js';

/** `run_id`, or its deprecated alias `run_uuid` (run_id wins), as MLflow's handlers read them. */
export function requireRunId(request: {
  run_id?: string | undefined;
  run_uuid?: string | undefined;
}): string {
  const runId = request.run_id || request.run_uuid;
  if (!runId) throw new InvalidParameterError(missingParameterMessage('run_id'));
  return runId;
}

export function keyValues(
  entries: readonly { key: string; value?: string | undefined }[] | undefined,
): KeyValue[] {
  return (entries ?? []).map((entry) => ({ key: entry.key, value: entry.value ?? '' }));
}

/** A double from protobuf JSON: a number, a numeric string, or "NaN" / "Infinity" / "-Infinity". */
export function parseDouble(field: string, value: number | string): number {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (trimmed === 'NaN') return Number.NaN;
  if (trimmed === 'Infinity' || trimmed === 'inf') return Number.POSITIVE_INFINITY;
  if (trimmed === '-Infinity' || trimmed === '-inf') return Number.NEGATIVE_INFINITY;
  const parsed = Number(trimmed);
  if (trimmed === '' || Number.isNaN(parsed))
    throw new InvalidParameterError(invalidParameterMessage(field, value));
  return parsed;
}

/** Protobuf enums arrive as names or numbers. */
export function parseViewType(field: string, value: string | number | undefined): ViewType | undefined {
  return parseEnum(field, value, VIEW_TYPES);
}

export function parseRunStatus(field: string, value: string | number | undefined): RunStatus | undefined {
  return parseEnum(field, value, RUN_STATUSES);
}

function parseEnum<T extends string>(
  field: string,
  value: string | number | undefined,
  names: readonly T[],
): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const byNumber = names[Number(value) - 1];
    if (byNumber) return byNumber;
  } else if ((names as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new InvalidParameterError(invalidParameterMessage(field, value));
}
