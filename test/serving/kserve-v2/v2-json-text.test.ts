import { describe, expect, it } from 'vitest';
import { jsonNumberText, parseV2Json } from '../../../src/serving/kserve-v2/v2-json-text.js';
import { invalidParameterMessage } from './support/v2-bodies.js';

function parse(text: string): unknown {
  return parseV2Json(Buffer.from(text), 'Request body');
}

describe('parseV2Json', () => {
  it('parses standard JSON', () => {
    expect(parse('{"a":[1,"NaN",true,null]}')).toEqual({ a: [1, 'NaN', true, null] });
  });

  it('reads bare NaN, Infinity and -Infinity as numbers, and leaves them alone inside strings', () => {
    expect(parse('{"data":[NaN,-Infinity,Infinity],"s":"NaN \\" Infinity","t":["-Infinity"]}')).toEqual({
      data: [NaN, -Infinity, Infinity],
      s: 'NaN " Infinity',
      t: ['-Infinity'],
    });
  });

  it('refuses malformed JSON with the parser’s reason', () => {
    expect(invalidParameterMessage(() => parse('{"inputs": [1,'))).toMatch(
      /^Request body is not valid JSON: .+/,
    );
    expect(invalidParameterMessage(() => parse('[NaN,'))).toMatch(/^Request body is not valid JSON: .+/);
    expect(invalidParameterMessage(() => parse('[nan]'))).toMatch(/^Request body is not valid JSON: .+/);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(
      invalidParameterMessage(() => parseV2Json(Uint8Array.of(0x22, 0xc3, 0x22), 'Inference header')),
    ).toBe('Inference header is not valid UTF-8');
  });
});

describe('jsonNumberText', () => {
  it.each([
    [1.5, '1.5'],
    [-0, '-0'],
    [0, '0'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%s -> %s', (value, text) => {
    expect(jsonNumberText(value)).toBe(text);
  });
});
