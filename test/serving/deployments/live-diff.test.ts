import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../../src/runtime/inspect-model.js';
import { LiveDiff } from '../../../src/serving/deployments/live-diff.js';
import type { NamedTensor } from '../../../src/serving/named-tensor.js';
import {
  diffPair,
  FIXTURE_ROOT,
  loadFixture,
  runModel,
  type ModelOutputs,
} from '../../evaluation/support/fixture-models.js';

/** A model's outputs for rows [start, end), as serving hands them over (label int64, probabilities, variable). */
function slice(outputs: ModelOutputs, start: number, end: number): NamedTensor[] {
  if (outputs.values) {
    return [
      {
        name: 'variable',
        type: 'float32',
        dims: [end - start, 1],
        data: Float32Array.from(outputs.values.subarray(start, end)),
      },
    ];
  }
  const classes = outputs.classCount as number;
  return [
    {
      name: 'label',
      type: 'int64',
      dims: [end - start],
      data: BigInt64Array.from(outputs.labels!.subarray(start, end), (label) => BigInt(label)),
    },
    {
      name: 'probabilities',
      type: 'float32',
      dims: [end - start, classes],
      data: outputs.probabilities!.slice(start * classes, end * classes),
    },
  ];
}

const DATASETS = ['breast_cancer', 'iris', 'diabetes', 'bike_sharing'];

describe('LiveDiff accumulated request by request equals the reference diff', () => {
  for (const name of DATASETS) {
    const fixture = loadFixture(name);
    for (const [pair, expected] of Object.entries(fixture.reference.diffs)) {
      it(`${name}: ${pair}`, async () => {
        const [oldFile, newFile] = diffPair(pair);
        const spec = async (file: string) => inspectModel(readFileSync(`${FIXTURE_ROOT}${name}/${file}`));
        const live = new LiveDiff(await spec(oldFile), await spec(newFile));
        const a = await runModel(fixture, oldFile);
        const b = await runModel(fixture, newFile);
        const rows = fixture.rows.length;
        // Requests of 1, 2, 3, ... rows, as they would arrive.
        for (let start = 0, size = 1; start < rows; start += size, size += 1) {
          const end = Math.min(rows, start + size);
          live.add(slice(a, start, end), slice(b, start, end), end - start);
        }
        const json = live.toJSON();
        expect(json.rows_compared).toBe(rows);
        const reference = expected as Record<string, unknown>;
        if (a.values) {
          expect(json.mean_abs_delta).toBeCloseTo(reference.mean_abs_delta as number, 6);
          expect(json.max_abs_delta).toBeCloseTo(reference.max_abs_delta as number, 6);
          expect(json.mean_delta).toBeCloseTo(reference.mean_delta as number, 6);
          return;
        }
        expect(json.transitions).toEqual(reference.transitions);
        expect(json.agreement).toBeCloseTo(reference.agreement as number, 12);
        expect(json.flip_rate).toBeCloseTo(reference.flip_rate as number, 12);
        if (reference.score_delta === undefined) {
          expect(json.score_delta).toBeUndefined();
          return;
        }
        const delta = reference.score_delta as Record<string, number>;
        const got = json.score_delta as Record<string, number>;
        for (const key of ['mean_abs', 'max_abs', 'p50', 'p99_abs']) {
          expect(got[key]).toBeCloseTo(delta[key] as number, 9);
        }
        expect(json.crossings).toEqual(reference.crossings);
      });
    }
  }

  it('a shadow of another task or class count is reported as not comparable', async () => {
    const cancer = await inspectModel(readFileSync(`${FIXTURE_ROOT}breast_cancer/bc-logreg-v1.onnx`));
    const iris = await inspectModel(readFileSync(`${FIXTURE_ROOT}iris/iris-logreg-v1.onnx`));
    const bike = await inspectModel(readFileSync(`${FIXTURE_ROOT}bike_sharing/bike-v1.onnx`));
    expect(new LiveDiff(cancer, iris).toJSON()).toMatchObject({
      comparable: false,
      reason: 'the served version has 2 classes, the shadow 3',
    });
    expect(new LiveDiff(cancer, bike).toJSON()).toMatchObject({ comparable: false });
  });
});
