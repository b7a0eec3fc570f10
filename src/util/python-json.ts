/**
 * A reader for JSON as Python's `json.loads` sees it. Page-token messages print the parsed value
 * with Python's repr (`{'offset': 0}` vs `{'offset': 0.0}`), so unlike JSON.parse this keeps ints
 * apart from floats, keeps big ints exact, and accepts Python's extras (NaN, Infinity, -Infinity).
 */

export type PyValue =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly items: readonly PyValue[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PyValue> };

/** Thrown where Python raises json.JSONDecodeError (a ValueError). */
export class PyJsonError extends Error {}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** `json.loads(text)`; throws PyJsonError where Python would raise. */
export function pyJsonLoads(text: string): PyValue {
  const reader = new Reader(text);
  reader.skipWhitespace();
  const value = reader.value();
  reader.skipWhitespace();
  if (reader.pos !== text.length) throw new PyJsonError('Extra data');
  return value;
}

class Reader {
  pos = 0;

  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  value(): PyValue {
    const char = this.text[this.pos];
    if (char === '"') return { kind: 'str', value: this.string() };
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    for (const [word, value] of CONSTANTS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (!number) throw new PyJsonError('Expecting value');
    this.pos = NUMBER.lastIndex;
    const [whole, integer, fraction, exponent] = number;
    if (fraction === undefined && exponent === undefined)
      return { kind: 'int', value: BigInt(integer ?? whole) };
    return { kind: 'float', value: Number(whole) };
  }

  private object(): PyValue {
    const entries = new Map<string, PyValue>();
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return { kind: 'dict', entries };
    }
    for (;;) {
      if (this.text[this.pos] !== '"')
        throw new PyJsonError('Expecting property name enclosed in double quotes');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') throw new PyJsonError("Expecting ':' delimiter");
      this.pos += 1;
      this.skipWhitespace();
      // Python builds the dict from the pairs in order: a repeated key keeps its first place, last value.
      entries.set(key, this.value());
      this.skipWhitespace();
      const separator = this.text[this.pos];
      this.pos += 1;
      if (separator === '}') return { kind: 'dict', entries };
      if (separator !== ',') throw new PyJsonError("Expecting ',' delimiter");
      this.skipWhitespace();
    }
  }

  private array(): PyValue {
    const items: PyValue[] = [];
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return { kind: 'list', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipWhitespace();
      const separator = this.text[this.pos];
      this.pos += 1;
      if (separator === ']') return { kind: 'list', items };
      if (separator !== ',') throw new PyJsonError("Expecting ',' delimiter");
      this.skipWhitespace();
    }
  }

  /** A string starting at the opening quote; strict mode, so raw control characters are refused. */
  private string(): string {
    let out = '';
    this.pos += 1;
    for (;;) {
      const char = this.text[this.pos];
      if (char === undefined) throw new PyJsonError('Unterminated string');
      this.pos += 1;
      if (char === '"') return out;
      if (char.charCodeAt(0) < 0x20) throw new PyJsonError('Invalid control character');
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escape = this.text[this.pos];
      this.pos += 1;
      if (escape === undefined) throw new PyJsonError('Unterminated string');
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        out += simple;
        continue;
      }
      if (escape !== 'u') throw new PyJsonError('Invalid \\escape');
      // Python joins an escaped surrogate pair into one character; the two UTF-16 units side by
      // side in a JS string are that same character, so each escape is appended on its own.
      out += String.fromCharCode(this.hex4());
    }
  }

  private hex4(): number {
    const digits = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new PyJsonError('Invalid \\uXXXX escape');
    this.pos += 4;
    return Number.parseInt(digits, 16);
  }
}

const CONSTANTS: ReadonlyArray<readonly [string, PyValue]> = [
  ['null', { kind: 'none' }],
  ['true', { kind: 'bool', value: true }],
  ['false', { kind: 'bool', value: false }],
  ['NaN', { kind: 'float', value: Number.NaN }],
  ['Infinity', { kind: 'float', value: Infinity }],
  ['-Infinity', { kind: 'float', value: -Infinity }],
];
