import type { NamedTensor } from '../named-tensor.js';

export type JsonScalar = number | string | boolean | null;
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

/**
 * A tensor's elements as JSON, the way numpy's `tolist()` (which MLflow's NumpyEncoder calls)
 * writes them: floats as the double each value is (float32 0.1 is 0.10000000149011612, as Python
 * prints it too), integers as numbers, booleans as true/false. Two places differ, because a JSON
 * value cannot say what Python's json module writes: NaN and infinities (bare `NaN`, `Infinity` in
 * MLflow's output, invalid JSON) become null, and 64-bit integers beyond 2^53 lose precision.
 */
export function elementReader(tensor: NamedTensor): (index: number) => JsonScalar {
  const { data, type } = tensor;
  if (Array.isArray(data)) return (index) => data[index] ?? null;
  if (type === 'bool') return (index) => data[index] !== 0;
  if (type === 'float16') return (index) => finite(halfToNumber(data[index] as number));
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return (index) => Number(data[index] as bigint);
  }
  return (index) => finite(data[index] as number);
}

/** Elements [offset, offset + product(dims)) nested by `dims`: [2, 3] is two lists of three. */
export function nestedValues(
  read: (index: number) => JsonScalar,
  dims: readonly number[],
  offset: number,
): JsonValue[] {
  const [length = 0, ...inner] = dims;
  const size = inner.reduce((product, dim) => product * dim, 1);
  return Array.from({ length }, (_, at) =>
    inner.length === 0 ? read(offset + at) : nestedValues(read, inner, offset + at * size),
  );
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** IEEE 754 half-precision bits as the number they encode. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
