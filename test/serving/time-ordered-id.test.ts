import { expect, it } from 'vitest';
import { timeOrderedId } from '../../src/serving/prediction-log/time-ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it('makes RFC 9562 version 7 UUIDs whose first 48 bits are the time in milliseconds', () => {
  const id = timeOrderedId(0x0193a6c27b1e);
  expect(id).toMatch(UUID_V7);
  expect(id.startsWith('0193a6c2-7b1e-7')).toBe(true);
  expect(timeOrderedId(0)).toMatch(/^00000000-0000-7/);
});

it('sorts by the time it was made; ids of the same millisecond differ', () => {
  const ids = [5, 5, 6, 1000, 1000, 2 ** 40].map((ms) => timeOrderedId(ms));
  expect([...ids].sort().map((id) => id.slice(0, 13))).toEqual(ids.map((id) => id.slice(0, 13)));
  expect(new Set(ids).size).toBe(ids.length);
  const many = Array.from({ length: 1000 }, () => timeOrderedId());
  expect(new Set(many).size).toBe(1000);
  for (const id of many) expect(id).toMatch(UUID_V7);
});
