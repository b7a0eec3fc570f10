/**
 * The metrics Assay computes, by task, with the direction in which each improves. Contracts,
 * diffs and reports use this to name metrics and to tell a regression from an improvement.
 */
export const CLASSIFICATION_METRICS = [
  'accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'log_loss',
  'ece',
  'roc_auc',
  'f1',
  'precision',
  'recall',
  'roc_auc_ovr_macro',
] as const;

export const REGRESSION_METRICS = ['mae', 'rmse', 'r2'] as const;

export type MetricName = (typeof CLASSIFICATION_METRICS)[number] | (typeof REGRESSION_METRICS)[number];

const LOWER_IS_BETTER = new Set<string>(['log_loss', 'ece', 'mae', 'rmse']);

export function isKnownMetric(name: string): name is MetricName {
  return (
    (CLASSIFICATION_METRICS as readonly string[]).includes(name) ||
    (REGRESSION_METRICS as readonly string[]).includes(name)
  );
}

export function lowerIsBetter(name: string): boolean {
  return LOWER_IS_BETTER.has(name);
}

/** Diff measures a contract may bound (names as in diff reports). */
export const DIFF_MEASURES = [
  'agreement',
  'flip_rate',
  'negative_flip_rate',
  'positive_flip_rate',
  'btc',
  'bec',
] as const;

export type DiffMeasure = (typeof DIFF_MEASURES)[number];
