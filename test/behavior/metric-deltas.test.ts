import { describe, expect, it } from 'vitest';
import { metricDeltas } from '../../src/behavior/diff/metric-deltas.js';
import type { ClassificationMetrics } from '../../src/evaluation/metrics/classification-metrics.js';

describe('metric deltas', () => {
  it('subtracts every finite numeric metric both sides have', () => {
    const before: ClassificationMetrics = {
      accuracy: 0.9,
      precision_macro: 0.8,
      recall_macro: null,
      f1_macro: 0.7,
      log_loss: 0.3,
      ece: 0.05,
      confusion_matrix: [[1]],
      roc_auc: 0.95,
    };
    const after = {
      ...before,
      accuracy: 0.85,
      log_loss: 0.25,
      recall_macro: 0.5,
      f1_macro: Number.NaN,
      mae: 1,
    };
    const deltas = metricDeltas(before, after);
    expect(Object.keys(deltas)).toEqual(['accuracy', 'precision_macro', 'log_loss', 'ece', 'roc_auc']);
    expect(deltas.accuracy).toBeCloseTo(-0.05, 15);
    expect(deltas.log_loss).toBeCloseTo(-0.05, 15);
    expect(deltas.precision_macro).toBe(0);
  });
});
