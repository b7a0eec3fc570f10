import { loadFixture } from '../../evaluation/support/fixture-models.js';

const NON_FEATURES = new Set(['id', 'target', 'split']);

/** The breast-cancer evaluation rows, as the bc-* models take them: one float32 tensor [N, 30]. */
export const cancer = loadFixture('breast_cancer');
export const FEATURES = cancer.columns.filter((column) => !NON_FEATURES.has(column));
export const ROWS = cancer.rows.length;
export const features = new Float32Array(ROWS * FEATURES.length);
cancer.rows.forEach((row, i) =>
  FEATURES.forEach((c, j) => (features[i * FEATURES.length + j] = Number(row[c]))),
);

/** Rows [from, to) as a KServe v2 JSON request body. */
export function v2Body(from: number, to: number): string {
  return JSON.stringify({
    inputs: [
      {
        name: 'input',
        shape: [to - from, FEATURES.length],
        datatype: 'FP32',
        data: Array.from(features.subarray(from * FEATURES.length, to * FEATURES.length)),
      },
    ],
  });
}
