import { describe, expect, it } from 'vitest';
import { modelMetadata, serverMetadata } from '../../../src/serving/kserve-v2/v2-metadata.js';
import { fixtureSignature } from './support/v2-bodies.js';

describe('modelMetadata', () => {
  it('describes a real model, symbolic dimensions as -1', async () => {
    const signature = await fixtureSignature('breast_cancer', 'bc-wide-mlp.onnx');
    expect(modelMetadata('breast-cancer', ['1', '2'], signature)).toEqual({
      name: 'breast-cancer',
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 30] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
  });

  it('gives string columns as BYTES', async () => {
    const metadata = modelMetadata('bike', ['1'], await fixtureSignature('bike_sharing', 'bike-v1.onnx'));
    expect(metadata.inputs).toContainEqual({ name: 'season', datatype: 'BYTES', shape: [-1, 1] });
    expect(metadata.inputs).toContainEqual({ name: 'temp', datatype: 'FP32', shape: [-1, 1] });
    expect(metadata.outputs).toEqual([{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }]);
  });

  it('leaves out outputs that are not tensors', () => {
    const metadata = modelMetadata('iris', ['1'], {
      inputs: [{ name: 'input', type: 'float32', shape: ['?', 4] }],
      outputs: [
        { name: 'output_label', type: 'int64', shape: ['?'] },
        { name: 'output_probability', type: 'non-tensor', shape: [] },
      ],
    });
    expect(metadata.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 4] }]);
    expect(metadata.outputs).toEqual([{ name: 'output_label', datatype: 'INT64', shape: [-1] }]);
  });
});

describe('serverMetadata', () => {
  it('names the server and the binary tensor extension', () => {
    expect(serverMetadata('assay', '0.1.0')).toEqual({
      name: 'assay',
      version: '0.1.0',
      extensions: ['binary_tensor_data'],
    });
  });
});
