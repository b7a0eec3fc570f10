/**
 * MLflow's page tokens: base64 of Python's `json.dumps({"offset": N})`. Clients treat tokens as
 * opaque, but some store and replay them, so Assay emits byte-identical tokens and reads MLflow's
 * tokens with MLflow's messages (SearchUtils.parse_start_offset_from_page_token).
 */
import { InvalidParameterError } from '../errors/assay-error.js';
import { pyB64Decode } from '../util/python-base64.js';
import type { PyValue } from '../util/python-json.js';
import { pyJsonLoads } from '../util/python-json.js';
import { pyBytesRepr, pyValueRepr, pyValueStr } from '../util/python-repr.js';

/** The token for the next page; `{"offset": 2}` (with Python's space) -> `eyJvZmZzZXQiOiAyfQ==`. */
export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`page token offset must be a non-negative integer, got ${offset}`);
  }
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** The offset a page token points at; no token (absent or empty) means the first page, offset 0. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const bytes = pyB64Decode(token);
  if (bytes === null) throw new InvalidParameterError('Invalid page token, could not base64-decode');
  const parsed = parseJson(bytes);
  if (parsed === null)
    throw new InvalidParameterError(`Invalid page token, decoded value=${pyBytesRepr(bytes)}`);
  const parsedMessage = `Invalid page token, parsed value=${pyValueRepr(parsed)}`;
  // MLflow answers 500 ("'list' object has no attribute 'get'") when the JSON is not an object.
  if (parsed.kind !== 'dict') throw new InvalidParameterError(parsedMessage);
  const offset = parsed.entries.get('offset');
  // MLflow refuses any falsy offset, so even a handcrafted {"offset": 0} is invalid.
  if (offset === undefined || !pyTruthy(offset)) throw new InvalidParameterError(parsedMessage);
  const asInt = pyInt(offset);
  if (asInt === null)
    throw new InvalidParameterError(`Invalid page token, not stringable ${pyValueStr(offset)}`);
  // MLflow passes negative offsets on to SQL; Assay only hands out non-negative safe integers.
  if (asInt < 0n || asInt > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidParameterError(parsedMessage);
  return Number(asInt);
}

/** `json.loads(bytes)`: UTF-8 (a leading BOM dropped, as Python's utf-8-sig); null on any failure. */
function parseJson(bytes: Uint8Array): PyValue | null {
  try {
    return pyJsonLoads(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
}

/** Python truthiness. */
function pyTruthy(value: PyValue): boolean {
  switch (value.kind) {
    case 'int':
      return value.value !== 0n;
    case 'float':
      return value.value !== 0;
    case 'str':
      return value.value !== '';
    case 'bool':
      return value.value;
    case 'none':
      return false;
    case 'list':
      return value.items.length > 0;
    case 'dict':
      return value.entries.size > 0;
  }
}

/**
 * Python's `int(x)`: floats truncate, True is 1, strings are base-10 with optional sign, surrounding
 * whitespace and single underscores between digits. Null where Python raises (MLflow's 500 for
 * inf, lists and dicts becomes the "not stringable" 400 here).
 */
function pyInt(value: PyValue): bigint | null {
  switch (value.kind) {
    case 'int':
      return value.value;
    case 'float':
      return Number.isFinite(value.value) ? BigInt(Math.trunc(value.value)) : null;
    case 'bool':
      return value.value ? 1n : 0n;
    case 'str': {
      const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(value.value);
      if (!match) return null;
      const magnitude = BigInt((match[2] ?? '').replaceAll('_', ''));
      return match[1] === '-' ? -magnitude : magnitude;
    }
    default:
      return null;
  }
}
