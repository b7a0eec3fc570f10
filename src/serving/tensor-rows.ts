import type { NamedTensor, TensorData } from './named-tensor.js';

/** Elements per row of a tensor: the product of its dimensions after the first. */
export function rowWidth(dims: readonly number[]): number {
  let width = 1;
  for (let i = 1; i < dims.length; i += 1) width *= dims[i] as number;
  return width;
}

/**
 * The requests' tensors of one batch joined along the first dimension, input by input (every
 * request holds the same inputs, in the same order, with the same trailing dimensions: the
 * protocols checked them against the model). Fresh arrays, which the batch may hand over to the
 * inference thread without copying.
 */
export function concatRows(requests: readonly (readonly NamedTensor[])[]): NamedTensor[] {
  const [first] = requests;
  if (!first) return [];
  return first.map((template, index) => {
    const parts = requests.map((tensors) => tensors[index] as NamedTensor);
    const rows = parts.reduce((sum, part) => sum + (part.dims[0] as number), 0);
    const dims = [rows, ...template.dims.slice(1)];
    return { name: template.name, type: template.type, dims, data: joined(parts.map((part) => part.data)) };
  });
}

function joined(parts: readonly TensorData[]): TensorData {
  const [first] = parts;
  if (first === undefined) throw new Error('no tensors to join');
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const constructor = (first as Exclude<TensorData, string[]>).constructor as new (
    length: number,
  ) => Exclude<TensorData, string[]>;
  const out = new constructor(length);
  let offset = 0;
  for (const part of parts as Exclude<TensorData, string[]>[]) {
    // TypedArray.set accepts any typed array of the same kind.
    (out as { set(array: ArrayLike<number | bigint>, offset: number): void }).set(
      part as ArrayLike<number | bigint>,
      offset,
    );
    offset += part.length;
  }
  return out;
}

/**
 * A batch's output tensors cut back into each request's rows: `rows[i]` rows for request i, in
 * order. Views of the batch's arrays where the type allows, so no element is copied.
 */
export function splitRows(outputs: readonly NamedTensor[], rows: readonly number[]): NamedTensor[][] {
  const perRequest: NamedTensor[][] = rows.map(() => []);
  for (const output of outputs) {
    const width = rowWidth(output.dims);
    let start = 0;
    rows.forEach((count, i) => {
      const end = start + count * width;
      const data = Array.isArray(output.data)
        ? output.data.slice(start, end)
        : (output.data as Exclude<TensorData, string[]>).subarray(start, end);
      (perRequest[i] as NamedTensor[]).push({
        name: output.name,
        type: output.type,
        dims: [count, ...output.dims.slice(1)],
        data,
      });
      start = end;
    });
  }
  return perRequest;
}
