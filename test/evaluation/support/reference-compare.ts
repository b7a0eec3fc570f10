/**
 * Compares computed numbers with reference.json under the team's tolerances: counts exactly, rates to
 * 1e-9 relative, other floats to 1e-6. Returns every mismatch so one failing assertion shows them all.
 */

const COUNTS = new Set([
  'n',
  'negative_flips',
  'positive_flips',
  'up',
  'down',
  'confusion_matrix',
  'transitions',
]);
const RATES = new Set([
  'accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'roc_auc',
  'roc_auc_ovr_macro',
  'f1',
  'precision',
  'recall',
  'agreement',
  'flip_rate',
  'negative_flip_rate',
  'positive_flip_rate',
  'btc',
  'bec',
  'rate',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every path under `expected` where `actual` differs beyond tolerance (or is missing). */
export function referenceMismatches(actual: unknown, expected: unknown, path = '', key = ''): string[] {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => referenceMismatches(actual[k], v, `${path}.${k}`, k));
  }
  if (COUNTS.has(key) || Array.isArray(expected)) {
    return JSON.stringify(actual) === JSON.stringify(expected)
      ? []
      : [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
  }
  if (typeof expected !== 'number' || typeof actual !== 'number') {
    return [`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
  }
  const error = Math.abs(actual - expected);
  const ok = RATES.has(key) ? error <= 1e-9 * Math.abs(expected) : error <= 1e-6;
  return ok ? [] : [`${path}: ${actual} != ${expected} (|diff| ${error})`];
}
