/**
 * Evenly spaced integer steps in [start, end]: the range is cut into `count` equal buckets and the
 * first integer step of each bucket is kept (every step when the range has fewer than `count`).
 */
export function sampledSteps(start: number, end: number, count: number): number[] {
  const interval = (end - start + 1) / count;
  if (interval <= 1) {
    const all: number[] = [];
    for (let step = start; step <= end; step += 1) all.push(step);
    return all;
  }
  const steps: number[] = [];
  for (let bucket = 0; bucket < count; bucket += 1) {
    const step = start + Math.ceil(bucket * interval);
    if (step > end) break;
    if (steps[steps.length - 1] !== step) steps.push(step);
  }
  return steps;
}
