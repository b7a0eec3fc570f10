import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { InvalidParameterError } from '../../errors/assay-error.js';

/**
 * JSON as KServe v2 servers speak it. Non-finite floats have no JSON form; Triton (the reference
 * server) writes them as the bare tokens `NaN`, `Infinity` and `-Infinity` and reads them back the
 * same way (RapidJSON's kWriteNanAndInfFlag / kParseNanAndInfFlag), and Python's `json` module, which
 * the KServe and Triton clients use, does the same. Assay follows: writing them as null would lose
 * which of the three a model produced. Strict JSON parsers (JavaScript's JSON.parse) refuse these
 * tokens; such clients can ask for binary outputs, where every float travels as it is.
 */

/** Parses a request body or header; `what` names it in the message when it is not valid JSON. */
export function parseV2Json(bytes: Uint8Array, what: string): unknown {
  // isUtf8 and toString are a fraction of a fatal TextDecoder's cost on small bodies, which every
  // one-row request is (8 of its 11 µs, profiled).
  if (!isUtf8(bytes)) throw new InvalidParameterError(`${what} is not valid UTF-8`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // The common case pays nothing: only text JSON.parse refused is searched for the three tokens.
    const lenient = parseWithNonFiniteTokens(text);
    if (lenient.parsed) return lenient.value;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidParameterError(`${what} is not valid JSON: ${reason}`);
  }
}

/** A number as JSON text, non-finite values as Triton writes them, and -0 keeping its sign. */
export function jsonNumberText(value: number): string {
  if (Object.is(value, -0)) return '-0';
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

type LenientParse = { parsed: true; value: unknown } | { parsed: false };

/**
 * Rewrites the tokens outside strings (Infinity as 1e999, which JSON.parse reads as Infinity; NaN
 * as a string no client can guess) and parses again, then turns those strings back into NaN.
 */
function parseWithNonFiniteTokens(text: string): LenientParse {
  const nanMarker = `NaN:${randomUUID()}`;
  let rewritten = '';
  let copiedUpTo = 0;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      i = endOfString(text, i);
      continue;
    }
    const token = text.startsWith('-Infinity', i)
      ? '-Infinity'
      : text.startsWith('Infinity', i)
        ? 'Infinity'
        : text.startsWith('NaN', i)
          ? 'NaN'
          : null;
    if (token === null) continue;
    const replacement = token === 'NaN' ? JSON.stringify(nanMarker) : token.replace('Infinity', '1e999');
    rewritten += text.slice(copiedUpTo, i) + replacement;
    i += token.length - 1;
    copiedUpTo = i + 1;
    found = true;
  }
  if (!found) return { parsed: false };
  try {
    const value: unknown = JSON.parse(rewritten + text.slice(copiedUpTo));
    return { parsed: true, value: restoreNaN(value, nanMarker) };
  } catch {
    return { parsed: false };
  }
}

/** The index of the quote closing the string that opens at `start` (or the text's end). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function restoreNaN(value: unknown, marker: string): unknown {
  if (value === marker) return NaN;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreNaN(value[i], marker);
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restoreNaN(record[key], marker);
  }
  return value;
}
