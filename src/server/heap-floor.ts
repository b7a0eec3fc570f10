/** The floor a process holds, so that holding it twice adds nothing. */
let held: number[] | null = null;

/**
 * Keeps `megabytes` of doubles alive in V8's old generation for the life of the process, which the
 * collector never has to scan (an array of unboxed doubles holds no pointers).
 *
 * Why a serving process wants it: V8 sets the old generation's next collection point at its size
 * times a growth factor. A server's old generation is small (25 MB serving four models), so that
 * point sits about 24 MB above it; once a stream of large requests has grown the young generation
 * to its full capacity, which is more than that, V8 starts a full collection from a task every
 * 100 ms or so. With 1,000-row binary requests that took a quarter of the HTTP thread: a server of
 * four models fell from 1,226-1,282 requests/s to 832 within 20 s; with a 32 MB floor held from the
 * process's first line it made 7 full collections in six 5 s points and kept 1,129-1,245 (scratch
 * runs; bench:serving runs 5 and 6 in docs/benchmarks.md). V8's own
 * way, `--initial-old-space-size`, is read only when the process starts: Node refuses it in
 * NODE_OPTIONS and `v8.setFlagsFromString` later changes nothing. The price is the floor's memory.
 *
 * Returns the megabytes held (0 when asked for none).
 */
export function holdHeapFloor(megabytes: number): number {
  if (megabytes <= 0) return 0;
  if (held === null) {
    // fill() makes it an array of unboxed doubles, 8 bytes each, in large-object space.
    held = new Array<number>(Math.round((megabytes * 1024 * 1024) / 8)).fill(0.5);
  }
  return Math.round((held.length * 8) / (1024 * 1024));
}
