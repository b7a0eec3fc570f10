import type { Probabilities } from './metric-inputs.js';
import { rowsOf } from './metric-inputs.js';

/**
 * Each row's most probable class, as numpy's `argmax(axis=1)`: the first of tied maxima, and the first
 * NaN when a row has one (numpy treats NaN as the maximum). Diffs compare these labels (see the data README).
 */
export function argmaxLabels(probabilities: Probabilities, classCount: number): Int32Array {
  const rows = rowsOf('Probabilities', probabilities, classCount);
  const labels = new Int32Array(rows);
  for (let i = 0, base = 0; i < rows; i++, base += classCount) {
    let best = 0;
    let bestValue = probabilities[base] as number;
    if (bestValue === bestValue) {
      for (let c = 1; c < classCount; c++) {
        const value = probabilities[base + c] as number;
        if (value !== value) {
          best = c;
          break;
        }
        if (value > bestValue) {
          best = c;
          bestValue = value;
        }
      }
    }
    labels[i] = best;
  }
  return labels;
}
