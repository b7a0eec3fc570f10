import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../src/evaluation/metrics/classification-metrics.js';
import { confusionCounts, confusionMatrix } from '../../src/evaluation/metrics/confusion-matrix.js';
import {
  accuracyFromCounts,
  classScoresFromCounts,
  macroScoresFromCounts,
} from '../../src/evaluation/metrics/label-metrics.js';
import { InvalidParameterError } from '../../src/errors/assay-error.js';

const labels = (...values: number[]): Int32Array => Int32Array.from(values);

describe('confusion matrix and label metrics', () => {
  it('matches scikit-learn on its documented multiclass example', () => {
    // precision_recall_fscore_support([0,1,2,0,1,2], [0,2,1,0,0,1], average='macro')
    const counts = confusionCounts(labels(0, 1, 2, 0, 1, 2), labels(0, 2, 1, 0, 0, 1), 3);
    const macro = macroScoresFromCounts(counts, 3);
    expect(macro.precision_macro).toBeCloseTo(2 / 9, 15);
    expect(macro.recall_macro).toBeCloseTo(1 / 3, 15);
    expect(macro.f1_macro).toBeCloseTo(4 / 15, 15);
    expect(accuracyFromCounts(counts, 3)).toBeCloseTo(1 / 3, 15);
  });

  it('puts true classes in rows and predictions in columns', () => {
    expect(confusionMatrix(labels(0, 0, 1, 2), labels(1, 0, 1, 1), 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
  });

  it('scores perfect predictions as 1', () => {
    const counts = confusionCounts(labels(0, 1, 1, 0), labels(0, 1, 1, 0), 2);
    expect(accuracyFromCounts(counts, 2)).toBe(1);
    expect(macroScoresFromCounts(counts, 2)).toEqual({ precision_macro: 1, recall_macro: 1, f1_macro: 1 });
    expect(classScoresFromCounts(counts, 2, 1)).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it('turns 0/0 into 0 (zero_division=0) when every row is one class', () => {
    const counts = confusionCounts(labels(0, 0, 0), labels(0, 0, 0), 2);
    expect(classScoresFromCounts(counts, 2, 1)).toEqual({ precision: 0, recall: 0, f1: 0 });
    // Macro runs over classes present in the true or predicted labels: only class 0 here.
    expect(macroScoresFromCounts(counts, 2)).toEqual({ precision_macro: 1, recall_macro: 1, f1_macro: 1 });
  });

  it('counts a class that is only predicted in the macro average', () => {
    const counts = confusionCounts(labels(0, 0), labels(0, 1), 3);
    // class 0: p=1, r=0.5, f1=2/3; class 1: p=0, r=0 (no true 1s), f1=0; class 2 absent.
    const macro = macroScoresFromCounts(counts, 3);
    expect(macro.precision_macro).toBe(0.5);
    expect(macro.recall_macro).toBe(0.25);
    expect(macro.f1_macro).toBeCloseTo(1 / 3, 15);
  });

  it('honours the mask and gives null rates for an empty subset', () => {
    const yTrue = labels(0, 1, 1, 0);
    const predicted = labels(0, 0, 1, 1);
    const probabilities = Float32Array.from([0.9, 0.1, 0.6, 0.4, 0.2, 0.8, 0.3, 0.7]);
    const some = classificationMetrics({
      yTrue,
      predicted,
      probabilities,
      classCount: 2,
      mask: Uint8Array.from([1, 0, 1, 0]),
    });
    expect(some.accuracy).toBe(1);
    expect(some.confusion_matrix).toEqual([
      [1, 0],
      [0, 1],
    ]);
    const none = classificationMetrics({
      yTrue,
      predicted,
      probabilities,
      classCount: 2,
      mask: new Uint8Array(4),
    });
    expect(none).toEqual({
      accuracy: null,
      precision_macro: null,
      recall_macro: null,
      f1_macro: null,
      log_loss: null,
      ece: null,
      confusion_matrix: [
        [0, 0],
        [0, 0],
      ],
      roc_auc: null,
      f1: null,
      precision: null,
      recall: null,
    });
  });

  it('names the row of a label outside the classes, and mismatched lengths', () => {
    expect(() => confusionCounts(labels(0, 3), labels(0, 1), 3)).toThrow(
      new InvalidParameterError('True label at row 1 is 3, expected a class index from 0 to 2.'),
    );
    expect(() => confusionCounts(labels(0, 1), labels(-1, 1), 2)).toThrow(/Predicted label at row 0 is -1/);
    expect(() => confusionCounts(labels(0, 1), labels(0), 2)).toThrow(
      /Predicted labels has 1 values, expected 2/,
    );
    expect(() => confusionCounts(labels(0), labels(0), 1)).toThrow(/Class count must be an integer >= 2/);
    expect(() => confusionCounts(labels(0), labels(0), 2, new Uint8Array(2))).toThrow(
      /Row mask has 2 entries/,
    );
  });
});
