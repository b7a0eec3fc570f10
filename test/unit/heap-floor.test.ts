import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { holdHeapFloor } from '../../src/server/heap-floor.js';

const MB = 1024 * 1024;

describe('holdHeapFloor', () => {
  it('keeps the megabytes asked for in the old generation, once per process; 0 keeps none', () => {
    const oldGeneration = (): number =>
      v8
        .getHeapSpaceStatistics()
        .filter((space) => space.space_name === 'old_space' || space.space_name === 'large_object_space')
        .reduce((total, space) => total + space.space_used_size, 0);
    expect(holdHeapFloor(0)).toBe(0);
    const before = oldGeneration();
    expect(holdHeapFloor(32)).toBe(32);
    const after = oldGeneration();
    expect(after - before).toBeGreaterThanOrEqual(31 * MB);
    // Held already: a second call adds nothing.
    expect(holdHeapFloor(32)).toBe(32);
    expect(oldGeneration() - after).toBeLessThan(8 * MB);
  });
});
