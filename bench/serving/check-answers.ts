import path from 'node:path';
import type * as OnnxRuntimeModule from '../../src/runtime/onnxruntime.js';
import type { BenchModel } from './bench-models.js';
import { decodeInferResponse, type EncodedRequest } from './v2-wire.js';

const DIST = path.resolve(import.meta.dirname, '../../dist');
const { ort } = (await import(path.join(DIST, 'runtime/onnxruntime.js'))) as typeof OnnxRuntimeModule;

/** Float outputs may differ in the last bits between batch sizes; labels must not differ at all. */
const TOLERANCE = 1e-5;

/** Every output of `model` on `rows`, straight from onnxruntime, as plain numbers by name. */
async function reference(model: BenchModel, rows: readonly number[]): Promise<Map<string, number[]>> {
  const session = await ort.InferenceSession.create(model.file, { intraOpNumThreads: 1 });
  const width = model.rowDims.reduce((a, b) => a * b, 1);
  const tensor = new ort.Tensor('float32', Float32Array.from(rows), [rows.length / width, ...model.rowDims]);
  const results = await session.run({ [model.input]: tensor });
  await session.release();
  const outputs = new Map<string, number[]>();
  for (const [name, value] of Object.entries(results)) {
    const data = value.data as ArrayLike<number | bigint>;
    outputs.set(name, Array.from(data, Number));
  }
  return outputs;
}

/**
 * Sends `request` once and checks the answer: 200, and every output equal to onnxruntime's on the
 * same rows. Throws, naming the first difference; run before any point is timed.
 */
export async function checkAnswer(
  url: string,
  model: BenchModel,
  rows: readonly number[],
  request: EncodedRequest,
): Promise<void> {
  const response = await fetch(`${url}/v2/models/${model.name}/infer`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const body = Buffer.from(await response.arrayBuffer());
  const what = `${model.title}, ${request.headers['content-type']}`;
  if (response.status !== 200)
    throw new Error(`${what}: ${response.status} ${body.toString().slice(0, 300)}`);
  const answer = decodeInferResponse(body, response.headers.get('inference-header-content-length'));
  const expected = await reference(model, rows);
  for (const [name, values] of expected) {
    const got = answer.get(name);
    if (got?.length !== values.length)
      throw new Error(`${what}: output '${name}' has ${got?.length ?? 0} values, expected ${values.length}`);
    const wrong = values.findIndex((value, i) => !(Math.abs((got[i] as number) - value) <= TOLERANCE));
    if (wrong >= 0)
      throw new Error(
        `${what}: output '${name}'[${wrong}] is ${got[wrong]}, onnxruntime says ${values[wrong]}`,
      );
  }
}
