/**
 * Accuracy, precision, recall and F1 from confusion counts (see confusion-matrix.ts), with
 * scikit-learn's conventions: a 0/0 ratio counts as 0 (`zero_division=0`), F1 = 2tp / (2tp + fp + fn),
 * and macro averages run over the classes present in the rows' true or predicted labels (scikit-learn's
 * `unique_labels`), so a slice without some class is not dragged down by it. No included row: null.
 */

export interface MacroScores {
  readonly precision_macro: number | null;
  readonly recall_macro: number | null;
  readonly f1_macro: number | null;
}

export interface BinaryScores {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function total(counts: Float64Array): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i] as number;
  return n;
}

/** Share of included rows whose predicted label is the true one; null without rows. */
export function accuracyFromCounts(counts: Float64Array, classCount: number): number | null {
  const n = total(counts);
  if (n === 0) return null;
  let correct = 0;
  for (let c = 0; c < classCount; c++) correct += counts[c * classCount + c] as number;
  return correct / n;
}

interface ClassTally {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

function tally(counts: Float64Array, classCount: number, c: number): ClassTally {
  let predictedAs = 0;
  let actually = 0;
  for (let k = 0; k < classCount; k++) {
    predictedAs += counts[k * classCount + c] as number;
    actually += counts[c * classCount + k] as number;
  }
  const tp = counts[c * classCount + c] as number;
  return { tp, fp: predictedAs - tp, fn: actually - tp };
}

/** Macro precision, recall and F1 (`average='macro'`, `zero_division=0`). */
export function macroScoresFromCounts(counts: Float64Array, classCount: number): MacroScores {
  let present = 0;
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (let c = 0; c < classCount; c++) {
    const { tp, fp, fn } = tally(counts, classCount, c);
    if (tp + fp + fn === 0) continue;
    present++;
    precision += ratio(tp, tp + fp);
    recall += ratio(tp, tp + fn);
    f1 += ratio(2 * tp, 2 * tp + fp + fn);
  }
  if (present === 0) return { precision_macro: null, recall_macro: null, f1_macro: null };
  return { precision_macro: precision / present, recall_macro: recall / present, f1_macro: f1 / present };
}

/** Precision, recall and F1 of one class (`pos_label`), `zero_division=0`; null without rows. */
export function classScoresFromCounts(
  counts: Float64Array,
  classCount: number,
  positive: number,
): BinaryScores {
  if (total(counts) === 0) return { precision: null, recall: null, f1: null };
  const { tp, fp, fn } = tally(counts, classCount, positive);
  return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
}
