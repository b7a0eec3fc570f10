import ort from 'onnxruntime-node';
import type { InputData, ScoreRequest } from './scoring-protocol.js';

/** onnxruntime feeds for rows [start, start + count) of a request, as tensors over its own memory. */
export function requestFeeds(
  request: ScoreRequest,
  start: number,
  count: number,
): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of request.inputs) feeds[input.name] = rowsOf(input, request.rows, start, count);
  return feeds;
}

function rowsOf(input: InputData, rows: number, start: number, count: number): ort.Tensor {
  const width = rows === 0 ? 0 : input.data.length / rows;
  const dims = [count, ...input.dims.slice(1)];
  const { data } = input;
  if (Array.isArray(data))
    return new ort.Tensor('string', data.slice(start * width, (start + count) * width), dims);
  if (data instanceof Uint8Array)
    return new ort.Tensor('bool', data.subarray(start * width, (start + count) * width), dims);
  return new ort.Tensor(data.subarray(start * width, (start + count) * width), dims);
}
