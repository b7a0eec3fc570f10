import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken } from '../../src/search/page-token.js';
import { refusal } from './search-test-helpers.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('encodePageToken', () => {
  it.each([
    [2, 'eyJvZmZzZXQiOiAyfQ=='],
    [5, 'eyJvZmZzZXQiOiA1fQ=='],
    [1000, 'eyJvZmZzZXQiOiAxMDAwfQ=='],
  ])('%i -> %s (base64 of Python json.dumps)', (offset, token) => {
    expect(encodePageToken(offset)).toBe(token);
    expect(Buffer.from(token, 'base64').toString()).toBe(`{"offset": ${offset}}`);
  });
  it('round-trips', () => {
    for (const offset of [1, 7, 100, 123456, Number.MAX_SAFE_INTEGER]) {
      expect(decodePageToken(encodePageToken(offset))).toBe(offset);
    }
  });
  it.each([-1, 1.5, Number.NaN, Infinity])('refuses offset %s as a programming error', (offset) => {
    expect(() => encodePageToken(offset)).toThrow(RangeError);
  });
});

describe('decodePageToken', () => {
  const accepted: Array<[string | undefined, number]> = [
    [undefined, 0],
    ['', 0],
    ['eyJvZmZzZXQiOiAyfQ==', 2],
    // Python's non-strict base64 skips characters outside the alphabet
    ['ey!JvZmZzZXQiOiAxMDAwfQ==', 1000],
    ['eyJvZmZz\nZXQiOiAxMDAwfQ==', 1000],
    // and stops at the padding
    ['eyJvZmZzZXQiOiAxMDAwfQ==garbage', 1000],
    [b64('{"offset":3}'), 3],
    [b64('{"offset": "7"}'), 7],
    [b64('{"offset": " 1_0 "}'), 10],
    [b64('{"offset": 7.9}'), 7],
    [b64('{"offset": true}'), 1],
    [b64('\ufeff{"offset": 4}'), 4],
  ];
  it.each(accepted)('%j -> %i', (token, offset) => {
    expect(decodePageToken(token)).toBe(offset);
  });

  const refused: Array<[string, string]> = [
    ['garbage', 'Invalid page token, could not base64-decode'],
    ['evilhax', 'Invalid page token, could not base64-decode'],
    ['eyJvZmZzZXQiOiAxMDAwfQ', 'Invalid page token, could not base64-decode'],
    ['a', 'Invalid page token, could not base64-decode'],
    ['é', 'Invalid page token, could not base64-decode'],
    ['abcd', "Invalid page token, decoded value=b'i\\xb7\\x1d'"],
    ['/w==', "Invalid page token, decoded value=b'\\xff'"],
    [b64('{"offset": 1,}'), 'Invalid page token, decoded value=b\'{"offset": 1,}\''],
    [b64("'x'"), 'Invalid page token, decoded value=b"\'x\'"'],
    [b64('{}'), 'Invalid page token, parsed value={}'],
    [b64('{"offset": 0}'), "Invalid page token, parsed value={'offset': 0}"],
    [b64('{"offset": 0.0}'), "Invalid page token, parsed value={'offset': 0.0}"],
    [b64('{"offset": null}'), "Invalid page token, parsed value={'offset': None}"],
    [b64('{"offset": ""}'), "Invalid page token, parsed value={'offset': ''}"],
    [
      b64('{"offset": false, "x": [1.5, "it\'s"]}'),
      "Invalid page token, parsed value={'offset': False, 'x': [1.5, \"it's\"]}",
    ],
    // MLflow: 500 ("'list' object has no attribute 'get'"); Assay: 400
    [b64('[1]'), 'Invalid page token, parsed value=[1]'],
    [b64('{"offset": "abc"}'), 'Invalid page token, not stringable abc'],
    [b64('{"offset": "7.0"}'), 'Invalid page token, not stringable 7.0'],
    [b64('{"offset": NaN}'), 'Invalid page token, not stringable nan'],
    // MLflow: 500 (OverflowError / TypeError); Assay: 400
    [b64('{"offset": Infinity}'), 'Invalid page token, not stringable inf'],
    [b64('{"offset": [1]}'), 'Invalid page token, not stringable [1]'],
    // MLflow passes negative offsets to SQL; Assay only accepts non-negative safe integers
    [b64('{"offset": -3}'), "Invalid page token, parsed value={'offset': -3}"],
    [b64('{"offset": 1e300}'), "Invalid page token, parsed value={'offset': 1e+300}"],
  ];
  it.each(refused)('%j', (token, message) => {
    expect(refusal(() => decodePageToken(token))).toBe(message);
  });
});
