/**
 * new - old for every metric both objects hold as a finite number (accuracy, log_loss, mae, ...), keyed
 * by the metric's name in `next`'s order. Non-numeric entries (confusion_matrix) and metrics that are
 * null, NaN or missing on either side are left out: there is no delta to report.
 */
export function metricDeltas(previous: object, next: object): Record<string, number> {
  // Plain `object` so metric interfaces (which have no index signature) are accepted as they are.
  const before: ReadonlyMap<string, unknown> = new Map<string, unknown>(Object.entries(previous));
  const after: [string, unknown][] = Object.entries(next);
  const deltas: Record<string, number> = {};
  for (const [name, value] of after) {
    const old = before.get(name);
    if (
      typeof value === 'number' &&
      typeof old === 'number' &&
      Number.isFinite(value) &&
      Number.isFinite(old)
    ) {
      deltas[name] = value - old;
    }
  }
  return deltas;
}
