import { allocateTensorData } from '../named-tensor.js';
import { f16round, Float16Array } from '@petamoriken/float16';
import { InvalidParameterError } from '../../errors/assay-error.js';
import type { NamedTensor, TensorData } from '../named-tensor.js';
import { datatypeOf, INTEGER_RANGES, tensorTypeOf, type V2Datatype } from './v2-datatypes.js';
import { jsonNumberText } from './v2-json-text.js';
import { elementCount, shapeText } from './v2-shape.js';

/**
 * Tensor data in JSON, both ways. A request's `data` is flat (row-major) or nested exactly as its
 * shape; elements are JSON booleans for BOOL, strings for BYTES and numbers for the rest. 64-bit
 * integers in JSON must be safe integers (|x| <= 2^53 - 1): beyond that a JSON number may already
 * have been rounded by the client's or our parser, so the value could not be trusted; the binary
 * extension carries them whole.
 */

/**
 * The row-major elements of `data` for a tensor of `dims`. `what` names the tensor in messages
 * (`Input 'x'`).
 */
export function flattenJsonData(data: unknown, dims: readonly number[], what: string): unknown[] {
  if (!Array.isArray(data)) throw new InvalidParameterError(`${what}: 'data' must be an array`);
  const count = elementCount(dims);
  if (!data.some(Array.isArray)) {
    if (data.length !== count) {
      throw new InvalidParameterError(
        `${what}: shape ${shapeText(dims)} holds ${count} elements but data has ${data.length}`,
      );
    }
    return data;
  }
  const flat: unknown[] = [];
  collectNested(data, dims, 0, '', flat, what);
  return flat;
}

function collectNested(
  value: unknown,
  dims: readonly number[],
  depth: number,
  path: string,
  into: unknown[],
  what: string,
): void {
  const where = path === '' ? 'data' : `data at ${path}`;
  if (depth === dims.length) {
    if (Array.isArray(value)) {
      throw new InvalidParameterError(
        `${what}: ${where} is an array, nested deeper than shape ${shapeText(dims)}`,
      );
    }
    into.push(value);
    return;
  }
  if (!Array.isArray(value)) {
    throw new InvalidParameterError(
      `${what}: ${where} is ${describeJson(value)}, not an array as shape ${shapeText(dims)} needs`,
    );
  }
  const expected = dims[depth];
  if (value.length !== expected) {
    throw new InvalidParameterError(
      `${what}: ${where} has ${value.length} elements but shape ${shapeText(dims)} needs ${expected} there`,
    );
  }
  value.forEach((item, index) => collectNested(item, dims, depth + 1, `${path}[${index}]`, into, what));
}

/** Checks every element against `datatype` and stores it the way NamedTensor holds that type. */
export function tensorDataFromJson(
  values: readonly unknown[],
  datatype: V2Datatype,
  what: string,
): TensorData {
  const data = allocateTensorData(tensorTypeOf(datatype), values.length);
  const fail = (index: number, problem: string): never => {
    throw new InvalidParameterError(
      `${what}: element ${index} is ${describeJson(values[index])}, ${problem}`,
    );
  };
  if (datatype === 'BYTES') {
    const strings = data as string[];
    values.forEach((value, i) =>
      typeof value === 'string' ? (strings[i] = value) : fail(i, 'not a string'),
    );
    return strings;
  }
  if (datatype === 'BOOL') {
    const bools = data as Uint8Array;
    values.forEach((value, i) =>
      typeof value === 'boolean' ? (bools[i] = value ? 1 : 0) : fail(i, 'not a boolean'),
    );
    return bools;
  }
  if (datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64') {
    // Writing through the library's Float16Array view rounds each number to the nearest half.
    const floats =
      datatype === 'FP16' ? new Float16Array((data as Uint16Array).buffer) : (data as Float32Array);
    const round = datatype === 'FP16' ? f16round : datatype === 'FP32' ? Math.fround : (x: number) => x;
    values.forEach((value, i) => {
      if (typeof value !== 'number') return fail(i, 'not a number');
      if (Number.isFinite(value) && !Number.isFinite(round(value))) fail(i, `out of range for ${datatype}`);
      floats[i] = value;
    });
    return data;
  }
  const [min, max] = INTEGER_RANGES[datatype] ?? [0, 0];
  const wide = datatype === 'INT64' || datatype === 'UINT64';
  const integers = data as Exclude<TensorData, string[]>;
  values.forEach((value, i) => {
    if (typeof value !== 'number') return fail(i, 'not a number');
    if (!Number.isInteger(value)) return fail(i, 'not an integer');
    if (wide && !Number.isSafeInteger(value)) {
      return fail(
        i,
        `beyond the integers a JSON number carries exactly (2^53 - 1); send ${datatype} as binary data`,
      );
    }
    if (value < min || value > max) return fail(i, `out of range for ${datatype} (${min} to ${max})`);
    integers[i] = wide ? BigInt(value) : value;
  });
  return data;
}

/** The tensor's elements as a flat JSON array, written straight to text (see v2-json-text.ts for NaN). */
export function tensorDataToJsonText(tensor: NamedTensor): string {
  const { data } = tensor;
  switch (datatypeOf(tensor.type)) {
    case 'BYTES':
      return JSON.stringify(data);
    case 'BOOL':
      return `[${Array.from(data as Uint8Array, (bit) => (bit === 0 ? 'false' : 'true')).join(',')}]`;
    case 'FP16': {
      const bits = data as Uint16Array;
      const halves = new Float16Array(bits.buffer, bits.byteOffset, bits.length);
      return `[${Array.from(halves, (x) => shortestText(x, f16round, 1, 5)).join(',')}]`;
    }
    case 'FP32':
      return `[${Array.from(data as Float32Array, (x) => shortestText(x, Math.fround, 6, 9)).join(',')}]`;
    case 'FP64':
      return `[${Array.from(data as Float64Array, jsonNumberText).join(',')}]`;
    default:
      // Integers, BigInts included: their decimal digits are exact JSON numbers.
      return `[${(data as Exclude<TensorData, string[]>).join(',')}]`;
  }
}

/**
 * The fewest significant digits (from `minDigits`) that read back as the same float32 or half, so a
 * probability of 0.9f prints as 0.9 rather than 0.8999999761581421; a client reads it back exactly
 * by rounding to the datatype, as it must for any FP32 or FP16 JSON. The round trip is checked, so
 * the text is right whatever the value. Starting float32 at 6 digits saves work on large outputs:
 * for every normal float32 the 6-digit rounding already finds any shorter form (subnormals may
 * print a digit or two longer, still exact).
 */
function shortestText(
  value: number,
  round: (x: number) => number,
  minDigits: number,
  maxDigits: number,
): string {
  if (!Number.isFinite(value) || value === 0) return jsonNumberText(value);
  for (let digits = minDigits; digits <= maxDigits; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (round(candidate) === value) return String(candidate);
  }
  return String(value);
}

/** A JSON value as a message shows it: short, and never a whole array. */
function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return jsonNumberText(value);
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
