import { describe, expect, it } from 'vitest';
import { parseBoolText, parseDecimal } from '../../src/datasets/import/text-values.js';

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['42', 42],
    ['+42', 42],
    ['007', 7],
    ['1.5', 1.5],
    ['1.', 1],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['0.1', 0.1],
    ['0.30000000000000004', 0.30000000000000004],
    ['123456789012345', 123456789012345],
    ['9007199254740993', 9007199254740992],
    ['3.141592653589793238', 3.141592653589793],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['2.5e+2', 250],
    [' 12', 12],
    ['12 ', 12],
    ['\t-3.5\t', -3.5],
  ])('reads %j as %d, as Number() does', (text, value) => {
    expect(Object.is(parseDecimal(text), value)).toBe(true);
  });

  it.each([
    '',
    ' ',
    'abc',
    '0x1F',
    '0b11',
    '0o7',
    'Infinity',
    '-Infinity',
    'NaN',
    'nan',
    '1,5',
    '1.2.3',
    '--1',
    '+-1',
    '-',
    '.',
    'e5',
    '1e',
    '1 000',
    '٣',
    '12abc',
    '1_000',
  ])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeNaN();
  });

  it('agrees with Number() on a million random decimals (the fast path is exact)', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 1_000_000; i++) {
      const digits = 1 + Math.floor(random() * 18);
      let text = '';
      for (let d = 0; d < digits; d++) text += Math.floor(random() * 10);
      const point = Math.floor(random() * (digits + 1));
      if (random() < 0.8) text = `${text.slice(0, point)}.${text.slice(point)}`;
      if (random() < 0.5) text = `-${text}`;
      if (text === '.' || text === '-.') continue;
      if (!Object.is(parseDecimal(text), Number(text)))
        throw new Error(`${text}: ${parseDecimal(text)} != ${Number(text)}`);
    }
  });
});

describe('parseBoolText', () => {
  it('reads true and false in any case, nothing else', () => {
    expect(['true', 'True', 'TRUE', 'tRuE'].map(parseBoolText)).toEqual([1, 1, 1, 1]);
    expect(['false', 'False', 'FALSE'].map(parseBoolText)).toEqual([0, 0, 0]);
    expect(['1', '0', 'yes', 't', 'truee', ' true', ''].map(parseBoolText)).toEqual([
      -1, -1, -1, -1, -1, -1, -1,
    ]);
  });
});
