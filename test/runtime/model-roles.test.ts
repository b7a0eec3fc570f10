import { describe, expect, it } from 'vitest';
import { modelRoles, UnsupportedModelError } from '../../src/runtime/model-roles.js';
import type { ModelSignature, TensorSpec } from '../../src/runtime/model-spec.js';

const tensor = (name: string, type: string, ...shape: (number | string)[]): TensorSpec => ({
  name,
  type,
  shape,
});
const signature = (inputs: TensorSpec[], outputs: TensorSpec[]): ModelSignature => ({ inputs, outputs });
const FEATURES = tensor('input', 'float32', 'N', 3);

describe('modelRoles: input mode', () => {
  it('one [N, F] input is tensor mode; [N, 1] inputs are columns', () => {
    const outputs = [tensor('y', 'float32', 'N')];
    expect(modelRoles(signature([FEATURES], outputs)).inputMode).toBe('tensor');
    expect(
      modelRoles(
        signature(
          [tensor('a', 'int64', 'N', 1), tensor('b', 'string', 'N', 1), tensor('c', 'bool', 'N')],
          outputs,
        ),
      ).inputMode,
    ).toBe('columns');
  });

  it('a lone [N, 1] input is a column unless the caller names its feature', () => {
    const single = signature([tensor('age', 'float32', 'N', 1)], [tensor('y', 'float32', 'N', 1)]);
    expect(modelRoles(single)).toMatchObject({ inputMode: 'columns', featureColumns: null });
    expect(modelRoles(single, { featureColumns: ['years'] })).toMatchObject({
      inputMode: 'tensor',
      featureColumns: ['years'],
    });
  });

  it.each([
    ['an image', [tensor('pixels', 'float32', 'N', 3, 224, 224)]],
    ['an unknown width', [tensor('input', 'float32', 'N', 'F')]],
    ['two wide inputs', [FEATURES, tensor('other', 'float32', 'N', 2)]],
    ['a float16 column', [tensor('a', 'float16', 'N', 1)]],
  ])('takes %s as tensors to serve, not to feed from a table', (_, inputs) => {
    expect(modelRoles(signature(inputs, [tensor('y', 'float32', 'N')]))).toMatchObject({
      inputMode: 'tensors',
      featureColumns: null,
    });
  });

  it.each([
    ['no inputs', [], undefined],
    ['a non-tensor input', [tensor('seq', 'non-tensor', 'N')], undefined],
    ['feature columns for an image', [tensor('pixels', 'float32', 'N', 3, 8, 8)], ['a', 'b']],
  ])('refuses %s', (_, inputs, featureColumns) => {
    const roles = () => modelRoles(signature(inputs, [tensor('y', 'float32', 'N')]), { featureColumns });
    expect(roles).toThrow(UnsupportedModelError);
    expect(roles).toThrow(/^Assay cannot feed this model: it takes /);
  });

  it('refuses duplicate feature columns', () => {
    expect(() =>
      modelRoles(signature([FEATURES], [tensor('y', 'float32', 'N')]), { featureColumns: ['a', 'b', 'a'] }),
    ).toThrow("Feature column 'a' is given twice");
  });
});

describe('modelRoles: outputs', () => {
  it('a classifier: int label [N] or [N, 1], float probabilities [N, C] (C may be symbolic)', () => {
    const roles = modelRoles(
      signature(
        [FEATURES],
        [tensor('output_label', 'int64', 'N', 1), tensor('output_probability', 'float64', 'N', 'C')],
      ),
    );
    expect(roles).toEqual({
      inputMode: 'tensor',
      featureColumns: null,
      task: 'classification',
      labelOutput: 'output_label',
      probabilitiesOutput: 'output_probability',
      valueOutput: null,
      classCount: null,
    });
  });

  it('a regressor needs its value output named when there are several', () => {
    const outputs = [tensor('mean', 'float32', 'N', 1), tensor('stddev', 'float32', 'N', 1)];
    expect(() => modelRoles(signature([FEATURES], outputs))).toThrow(/^Cannot tell the model's task/);
    expect(() => modelRoles(signature([FEATURES], outputs), { task: 'regression' })).toThrow(
      'More than one float output [N] or [N, 1] among mean (float32 [N, 1]), stddev (float32 [N, 1]): name the value output',
    );
    expect(modelRoles(signature([FEATURES], outputs), { outputs: { value: 'mean' } })).toMatchObject({
      task: 'regression',
      valueOutput: 'mean',
    });
  });

  it('the task can be forced: a classifier read as a regressor of its label is refused, of a float output allowed', () => {
    const outputs = [tensor('label', 'int64', 'N'), tensor('probabilities', 'float32', 'N', 2)];
    expect(() => modelRoles(signature([FEATURES], outputs), { task: 'regression' })).toThrow(
      /^No float output \[N\] or \[N, 1\] among label/,
    );
    expect(() =>
      modelRoles(signature([FEATURES], outputs), { task: 'regression', outputs: { label: 'label' } }),
    ).toThrow('A regression model has one value output, not a label or probabilities output');
  });

  it('sequence-of-maps outputs (ZipMap) are ignored', () => {
    const roles = modelRoles(
      signature(
        [FEATURES],
        [
          tensor('output_label', 'int64', 'N'),
          tensor('output_probability', 'non-tensor'),
          tensor('p', 'float32', 'N', 2),
        ],
      ),
    );
    expect(roles).toMatchObject({ labelOutput: 'output_label', probabilitiesOutput: 'p', classCount: 2 });
  });
});
