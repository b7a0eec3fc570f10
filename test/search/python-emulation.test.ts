import { describe, expect, it } from 'vitest';
import { pyB64Decode } from '../../src/util/python-base64.js';
import { pyJsonLoads } from '../../src/util/python-json.js';
import {
  pyBytesRepr,
  pyFloatRepr,
  pySetRepr,
  pyStrRepr,
  pyTupleRepr,
  pyValueRepr,
} from '../../src/util/python-repr.js';
import { shlexSplit } from '../../src/search/shlex-split.js';

// Expected values were produced by CPython 3.11.

describe('Python repr', () => {
  it.each([
    ['a', "'a'"],
    ["it's", '"it\'s"'],
    ['say "hi"', '\'say "hi"\''],
    [`both ' and "`, `'both \\' and "'`],
    ['tab\there\n', "'tab\\there\\n'"],
    ['\u0000\u007f\u0080\u00a0é😀', "'\\x00\\x7f\\x80\\xa0é😀'"],
    ['\u200b\u2028', "'\\u200b\\u2028'"],
    ['back\\slash', "'back\\\\slash'"],
  ])('str %j', (text, repr) => {
    expect(pyStrRepr(text)).toBe(repr);
  });

  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1.5, '1.5'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [2.5e-7, '2.5e-07'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.NaN, 'nan'],
    [-Infinity, '-inf'],
  ])('float %s', (value, repr) => {
    expect(pyFloatRepr(value)).toBe(repr);
  });

  it('bytes, sets and tuples', () => {
    expect(pyBytesRepr(Uint8Array.from([0x69, 0xb7, 0x1d]))).toBe("b'i\\xb7\\x1d'");
    expect(pyBytesRepr(Uint8Array.from([0x27]))).toBe('b"\'"');
    expect(pyBytesRepr(Uint8Array.from([0x27, 0x22, 0x5c, 0x0a]))).toBe("b'\\'\"\\\\\\n'");
    expect(pySetRepr(['=', 'NOT IN'])).toBe("{'=', 'NOT IN'}");
    expect(pyTupleRepr(['attribute', 'tag', 'tags'])).toBe("('attribute', 'tag', 'tags')");
  });

  it('values read by json.loads keep ints, floats and key order apart', () => {
    expect(pyValueRepr(pyJsonLoads('{"offset": 0, "f": 0.0, "big": 123456789012345678901234567890}'))).toBe(
      "{'offset': 0, 'f': 0.0, 'big': 123456789012345678901234567890}",
    );
    expect(pyValueRepr(pyJsonLoads('{"a": 1, "b": 2, "a": 3}'))).toBe("{'a': 3, 'b': 2}");
    expect(pyValueRepr(pyJsonLoads('[true, null, NaN, -Infinity, 1E5, "\\u00e9\\n"]'))).toBe(
      "[True, None, nan, -inf, 100000.0, 'é\\n']",
    );
  });

  it.each(['{"a": 1,}', '[1,]', '01', '1.', '"\\x"', '"a\tb"', '{"a" 1}', "{'a': 1}", '', 'nul'])(
    'json.loads refuses %j',
    (text) => {
      expect(() => pyJsonLoads(text)).toThrow();
    },
  );
});

describe('Python base64.b64decode (non-strict)', () => {
  const decode = (text: string): string | null => {
    const bytes = pyB64Decode(text);
    return bytes === null ? null : Buffer.from(bytes).toString('latin1');
  };
  it.each([
    ['eyJvZmZzZXQiOiAyfQ==', '{"offset": 2}'],
    ['YQ==', 'a'],
    ['YWI=', 'ab'],
    ['Y Q = =', 'a'],
    ['YQ==YWJj', 'a'],
    ['=YQ==', 'a'],
    ['', ''],
    ['!!!!', ''],
  ])('%j', (text, bytes) => {
    expect(decode(text)).toBe(bytes);
  });
  it.each(['garbage', 'a', 'YQ', 'YQ=', 'YWJjZ', 'YQ=a', 'é'])('refuses %j', (text) => {
    expect(decode(text)).toBeNull();
  });
});

describe('Python shlex.split', () => {
  it.each([
    ['a b', ['a', 'b']],
    ['  a\t b  ', ['a', 'b']],
    ['tags."my tag" DESC', ['tags.my tag', 'DESC']],
    ["a'b c'd", ['ab cd']],
    ['"a\\"b" c', ['a"b', 'c']],
    ['"a\\x"', ['a\\x']],
    ['a\\ b', ['a b']],
    ['""', ['']],
  ] as Array<[string, string[]]>)('%j', (text, words) => {
    expect(shlexSplit(text)).toEqual(words);
  });
  it.each(['"open', "'open", 'trailing\\'])('refuses %j', (text) => {
    expect(shlexSplit(text)).toBeNull();
  });
});
