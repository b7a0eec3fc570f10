/**
 * Python's `repr()` for the few value shapes MLflow interpolates into its error messages
 * (str, bytes, float, set/list/tuple of str, and parsed JSON). Assay answers with MLflow's text
 * word for word, so these follow CPython's rules rather than JSON.stringify.
 */
import type { PyValue } from './python-json.js';

/** CPython's str.isprintable(): categories Other (C*) and Separator (Z*) are not, except ASCII space. */
const NON_PRINTABLE = /^[\p{C}\p{Z}]$/u;

/** `repr(s)` for a Python str: single quotes unless the text has `'` and no `"`. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\t') out += '\\t';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char !== ' ' && NON_PRINTABLE.test(char)) out += escapeCodePoint(char.codePointAt(0) ?? 0);
    else out += char;
  }
  return out + quote;
}

function escapeCodePoint(codePoint: number): string {
  if (codePoint < 0x100) return `\\x${hex(codePoint, 2)}`;
  if (codePoint < 0x10000) return `\\u${hex(codePoint, 4)}`;
  return `\\U${hex(codePoint, 8)}`;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/** `repr(b)` for Python bytes, e.g. `b'i\xb7\x1d'`. */
export function pyBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\t') out += '\\t';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${hex(byte, 2)}`;
    else out += char;
  }
  return out + quote;
}

/**
 * `repr(f)` for a Python float: shortest round-trip digits (as JS), but Python switches to
 * exponent notation outside 1e-4 <= |f| < 1e16 and always shows a fractional part (`2.0`).
 */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(value).toExponential());
  if (!match) return String(value);
  const digits = `${match[1] ?? ''}${match[2] ?? ''}`.replace(/0+$/, '') || '0';
  const exponent = Number(match[3]);
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intLength = exponent + 1;
  if (digits.length <= intLength) return `${sign}${digits.padEnd(intLength, '0')}.0`;
  return `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

/** `str(set_of_str)`; Python's order is hash-random, so callers pass a fixed (declaration) order. */
export function pySetRepr(items: readonly string[]): string {
  return `{${items.map(pyStrRepr).join(', ')}}`;
}

/** `str(list_of_str)`, e.g. `['metric', 'parameter']`. */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyStrRepr).join(', ')}]`;
}

/** `str(tuple_of_str)`, e.g. `('attribute', 'tag', 'tags')`. */
export function pyTupleRepr(items: readonly string[]): string {
  return items.length === 1 ? `(${pyStrRepr(items[0] ?? '')},)` : `(${items.map(pyStrRepr).join(', ')})`;
}

/** `repr(value)` for a value produced by Python's json.loads. */
export function pyValueRepr(value: PyValue): string {
  switch (value.kind) {
    case 'int':
      return value.value.toString();
    case 'float':
      return pyFloatRepr(value.value);
    case 'str':
      return pyStrRepr(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return `[${value.items.map(pyValueRepr).join(', ')}]`;
    case 'dict':
      return `{${[...value.entries].map(([key, item]) => `${pyStrRepr(key)}: ${pyValueRepr(item)}`).join(', ')}}`;
  }
}

/** `str(value)`: like repr except that a str is shown bare (what an f-string prints). */
export function pyValueStr(value: PyValue): string {
  return value.kind === 'str' ? value.value : pyValueRepr(value);
}
