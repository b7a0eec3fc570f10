import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import type { ModelSpec } from '../../src/runtime/model-spec.js';
import { ModelInspectionError } from '../../src/runtime/model-inspection-error.js';
import { batchingOptions } from '../../src/serving/batching/batching-options.js';
import type { BatchEvent } from '../../src/serving/batching/dynamic-batcher.js';
import type { NamedTensor } from '../../src/serving/named-tensor.js';
import { ServedModel } from '../../src/serving/served-model.js';
import { modelFeeder } from '../../src/runtime/model-runner.js';
import { ort } from '../../src/runtime/onnxruntime.js';
import { FIXTURE_ROOT, loadFixture, type Fixture } from '../evaluation/support/fixture-models.js';

const NON_FEATURES = new Set(['id', 'target', 'split']);
const ROWS = 96;

/** Rows [from, to) of the fixture as the model's inputs (single tensor [N, F], or one [N, 1] per column). */
function inputsFor(spec: ModelSpec, fixture: Fixture, from: number, to: number): NamedTensor[] {
  const rows = fixture.rows.slice(from, to);
  const inputs = spec.signature.inputs;
  const [first] = inputs;
  if (inputs.length === 1 && first && first.shape[1] !== 1) {
    const features = fixture.columns.filter((column) => !NON_FEATURES.has(column));
    const data = new Float32Array(rows.length * features.length);
    rows.forEach((row, i) =>
      features.forEach((column, j) => (data[i * features.length + j] = Number(row[column]))),
    );
    return [{ name: first.name, type: 'float32', dims: [rows.length, features.length], data }];
  }
  return inputs.map((input) => ({
    name: input.name,
    type: input.type === 'string' ? 'string' : 'float32',
    dims: [rows.length, 1],
    data:
      input.type === 'string'
        ? rows.map((row) => row[input.name] ?? '')
        : Float32Array.from(rows, (row) => Number(row[input.name])),
  }));
}

/** Outputs as plain arrays, for comparing. */
function plain(outputs: readonly NamedTensor[]): Record<string, { dims: number[]; data: unknown[] }> {
  return Object.fromEntries(
    outputs.map((output) => [
      output.name,
      {
        dims: [...output.dims],
        data: Array.from(output.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v)),
      },
    ]),
  );
}

const loaded: ServedModel[] = [];
afterAll(async () => {
  await Promise.all(loaded.map((model) => model.unload()));
});

async function serve(
  file: string,
  hooks = {},
  options = {},
): Promise<{ model: ServedModel; spec: ModelSpec }> {
  const bytes = readFileSync(file);
  const spec = await inspectModel(bytes);
  const model = await ServedModel.load(
    'm',
    '1',
    spec,
    bytes,
    batchingOptions({ maxBatchSize: 16, ...options }),
    hooks,
  );
  loaded.push(model);
  return { model, spec };
}

const cases = ['breast_cancer', 'iris', 'diabetes', 'bike_sharing'].flatMap((name) =>
  readdirSync(`${FIXTURE_ROOT}${name}`)
    .filter((file) => file.endsWith('.onnx'))
    .map((file) => [name, file] as const),
);

describe('ServedModel', () => {
  it.each(cases)('%s/%s: batched outputs equal unbatched outputs for every request', async (name, file) => {
    const fixture = loadFixture(name);
    const events: BatchEvent[] = [];
    const { model, spec } = await serve(`${FIXTURE_ROOT}${name}/${file}`, {
      onBatch: (e: BatchEvent) => events.push(e),
    });
    expect(model.batchable).toBe(true);
    // One row per request, all at once: they queue while the instance is busy and share calls.
    const batched = await Promise.all(
      Array.from({ length: ROWS }, (_, i) => model.infer(inputsFor(spec, fixture, i, i + 1), 1)),
    );
    expect(Math.max(...events.map((event) => event.requests))).toBeGreaterThan(1);
    expect(Math.max(...events.map((event) => event.rows))).toBeLessThanOrEqual(16);
    // The same requests one at a time: each a model call of its own.
    for (let i = 0; i < ROWS; i += 1) {
      const alone = await model.infer(inputsFor(spec, fixture, i, i + 1), 1);
      expect(plain(batched[i] as NamedTensor[])).toEqual(plain(alone));
    }
  });

  it('splits requests of several rows back exactly, batched or not', async () => {
    const fixture = loadFixture('breast_cancer');
    const { model, spec } = await serve(`${FIXTURE_ROOT}breast_cancer/bc-mlp-v2.onnx`);
    const sizes = [3, 7, 1, 5, 12, 2];
    let from = 0;
    const requests = sizes.map((size) => {
      const inputs = inputsFor(spec, fixture, from, from + size);
      from += size;
      return { inputs, size };
    });
    const batched = await Promise.all(requests.map(({ inputs, size }) => model.infer(inputs, size)));
    const whole = await model.infer(inputsFor(spec, fixture, 0, from), from);
    let start = 0;
    batched.forEach((outputs, i) => {
      const size = sizes[i] as number;
      for (const output of outputs) {
        const full = whole.find((candidate) => candidate.name === output.name) as NamedTensor;
        const width = output.dims.length > 1 ? (output.dims[1] as number) : 1;
        expect(output.dims[0]).toBe(size);
        expect(Array.from(output.data as ArrayLike<unknown>)).toEqual(
          Array.from(
            (full.data as ArrayLike<unknown> & { slice(a: number, b: number): ArrayLike<unknown> }).slice(
              start * width,
              (start + size) * width,
            ),
          ),
        );
      }
      start += size;
    });
  });

  it('answers every request with two instances, no batch above max_batch_size', async () => {
    const fixture = loadFixture('breast_cancer');
    const events: BatchEvent[] = [];
    const { model, spec } = await serve(
      `${FIXTURE_ROOT}breast_cancer/bc-wide-mlp.onnx`,
      { onBatch: (e: BatchEvent) => events.push(e) },
      { instances: 2, maxBatchSize: 4 },
    );
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => model.infer(inputsFor(spec, fixture, i, i + 1), 1)),
    );
    expect(answers).toHaveLength(40);
    expect(events.reduce((sum, event) => sum + event.rows, 0)).toBe(40);
    expect(Math.max(...events.map((event) => event.rows))).toBeLessThanOrEqual(4);
  });

  it('serves a model no table feeds (a CNN over [N, 1, 28, 28] images); evaluation refuses it', async () => {
    const file = new URL('../fixtures/serving/cnn-1x28x28.onnx', import.meta.url);
    const bytes = readFileSync(file);
    const spec = await inspectModel(bytes, { task: 'classification' });
    expect(spec.inputMode).toBe('tensors');
    expect(() => modelFeeder(spec, null)).toThrow(
      'This model takes image (float32 [N, 1, 28, 28]), which no table feeds: it can be served (KServe v2 tensors), but not run over a dataset',
    );
    const model = await ServedModel.load('digits', '1', spec, bytes, batchingOptions({ maxBatchSize: 8 }));
    loaded.push(model);
    const images = Float32Array.from({ length: 5 * 784 }, (_, k) => ((k * 37) % 255) / 255);
    const one = (i: number): NamedTensor[] => [
      { name: 'image', type: 'float32', dims: [1, 1, 28, 28], data: images.slice(i * 784, (i + 1) * 784) },
    ];
    const batched = await Promise.all(Array.from({ length: 5 }, (_, i) => model.infer(one(i), 1)));
    const session = await ort.InferenceSession.create(bytes);
    try {
      const direct = await session.run({ image: new ort.Tensor('float32', images, [5, 1, 28, 28]) });
      const expected = direct.probabilities?.data as Float32Array;
      batched.forEach((outputs, i) =>
        expect(Array.from(outputs[0]?.data as Float32Array)).toEqual(
          Array.from(expected.slice(i * 10, (i + 1) * 10)),
        ),
      );
    } finally {
      await session.release();
    }
  });

  it('refuses a model onnxruntime cannot load, with its reason, leaving no thread behind', async () => {
    const bytes = readFileSync(`${FIXTURE_ROOT}iris/iris-mlp-v2.onnx`);
    const spec = await inspectModel(bytes);
    const broken = bytes.subarray(0, 200);
    await expect(ServedModel.load('m', '1', spec, broken, batchingOptions())).rejects.toBeInstanceOf(
      ModelInspectionError,
    );
  });

  it('answers what it holds when unloaded, then refuses', async () => {
    const fixture = loadFixture('iris');
    const bytes = readFileSync(`${FIXTURE_ROOT}iris/iris-logreg-v1.onnx`);
    const spec = await inspectModel(bytes);
    const model = await ServedModel.load('m', '1', spec, bytes, batchingOptions({ maxBatchSize: 2 }));
    const answers = Array.from({ length: 10 }, (_, i) => model.infer(inputsFor(spec, fixture, i, i + 1), 1));
    await model.unload();
    await expect(Promise.all(answers)).resolves.toHaveLength(10);
    await expect(model.infer(inputsFor(spec, fixture, 0, 1), 1)).rejects.toThrow('shutting down');
  });
});
