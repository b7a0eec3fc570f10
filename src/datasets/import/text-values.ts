/**
 * How a text value (a CSV field) is read. A column is float64 when every non-empty value is a
 * decimal number, bool when every one is true or false (any case), text otherwise; an empty field
 * is a missing value.
 */

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SPACE = 32;
const TAB = 9;

/** Powers of ten that are exact doubles. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Up to 15 digits, a decimal mantissa is an exact double (below 2^53). */
const MAX_FAST_DIGITS = 15;

/**
 * The number `text` spells in decimal (`42`, `-1.5`, `.5`, `1e-3`, surrounding spaces allowed), or
 * NaN. JavaScript's Number() alone would also take `0x1F`, `0b1`, `Infinity` and `''`.
 *
 * Plain decimals of up to 15 digits take a fast path (most CSV numbers; V8's string-to-number
 * conversion was a fifth of a large import's time): the digits make an exact integer m and the
 * point a scale k <= 15, both exact doubles, so m / 10^k is rounded once, by the division, to the
 * double nearest the decimal value. That is the correctly rounded result Number() gives (Clinger's
 * fast path, which strtod implementations use too).
 */
export function parseDecimal(text: string): number {
  const length = text.length;
  const sign = text.charCodeAt(0);
  const negative = sign === MINUS;
  let at = negative || sign === PLUS ? 1 : 0;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let point = false;
  for (; at < length; at++) {
    const code = text.charCodeAt(at);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      digits += 1;
      if (point) scale += 1;
    } else if (code === DOT && !point) {
      point = true;
    } else {
      return parseGeneral(text);
    }
  }
  if (digits === 0 || digits > MAX_FAST_DIGITS) return parseGeneral(text);
  const value = scale === 0 ? mantissa : mantissa / (POWERS_OF_TEN[scale] as number);
  return negative ? -value : value;
}

/** Exponents, surrounding spaces, long mantissas: Number(), guarded against what is not decimal. */
function parseGeneral(text: string): number {
  const n = +text;
  if (n !== n) return NaN;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first === SPACE || first === TAB || last === SPACE || last === TAB) {
    const trimmed = text.trim();
    return trimmed === text || trimmed === '' ? NaN : parseGeneral(trimmed);
  }
  const firstOk =
    (first >= DIGIT_0 && first <= DIGIT_9) || first === MINUS || first === PLUS || first === DOT;
  const lastOk = (last >= DIGIT_0 && last <= DIGIT_9) || last === DOT;
  if (!firstOk || !lastOk) return NaN;
  // 0x10, 0b10, 0o10: a radix prefix is not a decimal number.
  if (first === DIGIT_0 && text.length > 2) {
    const second = text.charCodeAt(1) | 0x20;
    if (second === 0x78 || second === 0x62 || second === 0x6f) return NaN;
  }
  return n;
}

/** 1 for true, 0 for false (any case), -1 for anything else. */
export function parseBoolText(text: string): number {
  if (text.length === 4 && text.toLowerCase() === 'true') return 1;
  if (text.length === 5 && text.toLowerCase() === 'false') return 0;
  return -1;
}
