import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InferenceInstance } from '../../src/serving/inference/inference-instance.js';
import type { NamedTensor } from '../../src/serving/named-tensor.js';
import { FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';

const MODEL = readFileSync(`${FIXTURE_ROOT}breast_cancer/bc-wide-mlp.onnx`);

function rows(count: number): NamedTensor[] {
  const data = Float32Array.from({ length: count * 30 }, (_, i) => (i % 30) + 1);
  return [{ name: 'input', type: 'float32', dims: [count, 30], data }];
}

describe('an inference instance', () => {
  it('closed while it holds batches, answers them first, then stops and refuses more', async () => {
    const instance = await InferenceInstance.start(MODEL, 1);
    // Handed over, not awaited: close() must not cut them off (a thread terminated at once would,
    // and could be stopped inside onnxruntime: see stopWorker).
    const running = [1, 64, 1000].map((count) => instance.run(rows(count), ['probabilities'], false));
    await instance.close();
    const answers = await Promise.all(running);
    expect(answers.map((outputs) => outputs[0]?.dims)).toEqual([
      [1, 2],
      [64, 2],
      [1000, 2],
    ]);
    await expect(instance.run(rows(1), ['probabilities'], false)).rejects.toThrow('the model was unloaded');
    // Closing twice is harmless.
    await instance.close();
  });
});
