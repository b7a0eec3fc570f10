/** Arrow validity and bool bitmaps: bit i of byte i >> 3, least significant first. */

export function packBytes(bytes: Uint8Array, length: number): Uint8Array {
  const bits = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) if (bytes[i]) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

/** Validity of a float64 column whose missing values are NaN; null when none is missing. */
export function packPresent(
  values: Float64Array,
  length: number,
): { bitmap: Uint8Array | null; nulls: number } {
  let nulls = 0;
  for (let i = 0; i < length; i++) if (values[i] !== values[i]) nulls += 1;
  if (nulls === 0) return { bitmap: null, nulls };
  const bits = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    const x = values[i] as number;
    if (x === x) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  }
  return { bitmap: bits, nulls };
}

/** Bits [offset, offset + length) of `bits` as one byte (0/1) each. */
export function unpackBits(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const at = offset + i;
    bytes[i] = ((bits[at >> 3] as number) >> (at & 7)) & 1;
  }
  return bytes;
}
