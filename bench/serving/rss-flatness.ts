/**
 * RSS under overload counts as flat when its peak in the run's last third is within FLAT_MB of its
 * peak in the middle third. The first third is the heap growing to its working size, and a
 * collector's sawtooth can be several seconds long: a short window, or halves, read both as growth
 * (runs 7 and 8 compared the halves of 11 s; a 40 s run of the same load after run 8 was bounded).
 */
export const FLAT_MB = 10;

export function rssFlatness(samples: readonly number[]): { middle: number; last: number; flat: boolean } {
  if (samples.length < 3) throw new Error('memory flatness needs at least three RSS samples');
  const third = Math.floor(samples.length / 3);
  const middle = Math.max(...samples.slice(third, 2 * third));
  const last = Math.max(...samples.slice(2 * third));
  return { middle, last, flat: last <= middle + FLAT_MB };
}
