/** A deterministic generator in [0, 1), so that a failure can be replayed. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Writes row `row` of row-major [rows x classCount] probabilities: whole-number weights from 1 to
 * maxWeight + 1, normalised (coarse, so that scores tie), and returns the most probable class.
 */
export function randomProbabilityRow(
  random: () => number,
  probabilities: Float32Array,
  row: number,
  classCount: number,
  maxWeight: number,
): number {
  const base = row * classCount;
  let sum = 0;
  for (let c = 0; c < classCount; c++) {
    const weight = Math.round(random() * maxWeight) + 1;
    probabilities[base + c] = weight;
    sum += weight;
  }
  let best = 0;
  for (let c = 0; c < classCount; c++) {
    probabilities[base + c] = (probabilities[base + c] as number) / sum;
    if ((probabilities[base + c] as number) > (probabilities[base + best] as number)) best = c;
  }
  return best;
}
