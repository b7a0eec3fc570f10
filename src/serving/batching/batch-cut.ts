/**
 * Where the next batch ends: how many of the queued requests (front first, never reordered) it
 * takes. `rows` are the queued requests' row counts, front first.
 *
 * Everything that fits in `maxBatchSize` rows, except that when `preferred` sizes are given and
 * the requests that fit reach one of them, the batch ends at the last request boundary at or
 * below the largest size reached (the sizes a model is known to run best at). A front request
 * larger than `maxBatchSize` is a batch by itself. Returns at least 1 when anything is queued.
 */
export function batchCut(
  rows: readonly number[],
  maxBatchSize: number,
  preferred: readonly number[],
): number {
  if (rows.length === 0) return 0;
  let taken = 0;
  let total = 0;
  // Prefix sums of the requests that fit, to find a preferred boundary afterwards.
  const totals: number[] = [];
  for (const count of rows) {
    if (total + count > maxBatchSize) break;
    total += count;
    taken += 1;
    totals.push(total);
  }
  if (taken === 0) return 1;
  for (let i = preferred.length - 1; i >= 0; i -= 1) {
    const size = preferred[i] as number;
    if (size > total) continue;
    let end = taken;
    while (end > 1 && (totals[end - 1] as number) > size) end -= 1;
    return end;
  }
  return taken;
}

/** Whether a batch of `rows` rows is as good as it gets: full, or at a preferred size. */
export function batchComplete(rows: number, maxBatchSize: number, preferred: readonly number[]): boolean {
  return rows >= maxBatchSize || preferred.includes(rows);
}
