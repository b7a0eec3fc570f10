import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { ModelInspectionError } from '../../src/runtime/model-inspection-error.js';
import { UnsupportedModelError } from '../../src/runtime/model-roles.js';
import type { ModelSpec, TensorSpec } from '../../src/runtime/model-spec.js';
import { readOpsetImports } from '../../src/runtime/onnx-opsets.js';
import { fixtureBytes } from './support/fixture-tables.js';
import { buildOnnxModel } from './support/onnx-builder.js';

const ML_OPSET = { domain: 'ai.onnx.ml', version: 3 };
const ONNX_15 = { domain: 'ai.onnx', version: 15 };

function classifier(features: number, classes: number): Pick<ModelSpec, 'signature'> {
  return {
    signature: {
      inputs: [{ name: 'input', type: 'float32', shape: ['N', features] }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['N'] },
        { name: 'probabilities', type: 'float32', shape: ['N', classes] },
      ],
    },
  };
}

const BIKE_INPUTS: TensorSpec[] = [
  ...['hr', 'holiday', 'workingday', 'temp', 'atemp', 'hum', 'windspeed'].map((name) => ({
    name,
    type: 'float32',
    shape: ['N', 1],
  })),
  { name: 'season', type: 'string', shape: ['N', 1] },
  { name: 'weather', type: 'string', shape: ['N', 1] },
];

const CLASSIFIER_ROLES = {
  task: 'classification',
  inputMode: 'tensor',
  featureColumns: null,
  labelOutput: 'label',
  probabilitiesOutput: 'probabilities',
  valueOutput: null,
} as const;

const REGRESSOR_ROLES = {
  task: 'regression',
  labelOutput: null,
  probabilitiesOutput: null,
  valueOutput: 'variable',
  classCount: null,
  featureColumns: null,
} as const;

/** What the data README says of each model. */
const EXPECTED: Record<string, Partial<ModelSpec>> = {
  'breast_cancer/bc-logreg-v1.onnx': {
    ...classifier(30, 2),
    ...CLASSIFIER_ROLES,
    classCount: 2,
    opsets: [ONNX_15],
  },
  'breast_cancer/bc-mlp-v2.onnx': {
    ...classifier(30, 2),
    ...CLASSIFIER_ROLES,
    classCount: 2,
    opsets: [ONNX_15],
  },
  'breast_cancer/bc-forest-v3.onnx': {
    ...classifier(30, 2),
    ...CLASSIFIER_ROLES,
    classCount: 2,
    opsets: [ONNX_15, ML_OPSET],
  },
  'breast_cancer/bc-wide-mlp.onnx': {
    ...classifier(30, 2),
    ...CLASSIFIER_ROLES,
    classCount: 2,
    opsets: [ONNX_15],
  },
  'iris/iris-logreg-v1.onnx': { ...classifier(4, 3), ...CLASSIFIER_ROLES, classCount: 3, opsets: [ONNX_15] },
  'iris/iris-mlp-v2.onnx': { ...classifier(4, 3), ...CLASSIFIER_ROLES, classCount: 3, opsets: [ONNX_15] },
  ...Object.fromEntries(
    ['diabetes/diabetes-linear-v1.onnx', 'diabetes/diabetes-mlp-v2.onnx'].map((file) => [
      file,
      {
        signature: {
          inputs: [{ name: 'input', type: 'float32', shape: ['N', 10] }],
          outputs: [{ name: 'variable', type: 'float32', shape: ['N', 1] }],
        },
        ...REGRESSOR_ROLES,
        inputMode: 'tensor',
        opsets: [ONNX_15],
      },
    ]),
  ),
  // Pipeline converters import the ai.onnx.ml domain too (one-hot encoding of the string columns).
  ...Object.fromEntries(
    ['bike_sharing/bike-v1.onnx', 'bike_sharing/bike-v2.onnx'].map((file) => [
      file,
      {
        signature: { inputs: BIKE_INPUTS, outputs: [{ name: 'variable', type: 'float32', shape: ['N', 1] }] },
        ...REGRESSOR_ROLES,
        inputMode: 'columns',
        opsets: [ONNX_15, ML_OPSET],
      },
    ]),
  ),
};

describe('inspectModel on every fixture model', () => {
  it.each(Object.entries(EXPECTED))('%s', async (file, expected) => {
    const bytes = fixtureBytes(...file.split('/'));
    const spec = await inspectModel(bytes);
    expect(spec).toEqual({
      format: 'onnx',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...expected,
    });
    // Every model was exported at opset 15 (README).
    expect(spec.opsets.find((opset) => opset.domain === 'ai.onnx')?.version).toBe(15);
  });

  it('records the caller’s features, task and output names', async () => {
    const features = Array.from({ length: 4 }, (_, index) => `f${index}`);
    const spec = await inspectModel(fixtureBytes('iris', 'iris-mlp-v2.onnx'), {
      featureColumns: features,
      task: 'classification',
      outputs: { label: 'label', probabilities: 'probabilities' },
    });
    expect(spec.featureColumns).toEqual(features);
    expect(spec.task).toBe('classification');
  });

  it('refuses overrides that contradict the model, naming what is wrong', async () => {
    const bytes = fixtureBytes('iris', 'iris-mlp-v2.onnx');
    await expect(inspectModel(bytes, { featureColumns: ['a', 'b'] })).rejects.toThrow(
      "The model's input 'input' [N, 4] takes 4 feature columns; 2 were given (a, b)",
    );
    await expect(inspectModel(bytes, { outputs: { value: 'variable' } })).rejects.toThrow(
      "The model has no output 'variable' (for value); its outputs: label (int64 [N]), probabilities (float32 [N, 3])",
    );
    await expect(inspectModel(bytes, { outputs: { label: 'probabilities' } })).rejects.toThrow(
      "Output 'probabilities' (float32 [N, 3]) cannot be the label output",
    );
    await expect(
      inspectModel(fixtureBytes('bike_sharing', 'bike-v1.onnx'), { featureColumns: ['hr'] }),
    ).rejects.toBeInstanceOf(UnsupportedModelError);
  });
});

describe('files onnxruntime refuses', () => {
  const iris = fixtureBytes('iris', 'iris-logreg-v1.onnx');
  it.each([
    ['text', Buffer.from('this is not a model'), 'protobuf parsing failed'],
    ['a truncated model', iris.subarray(0, Math.floor(iris.length / 2)), 'protobuf parsing failed'],
    ['an empty file', Buffer.alloc(0), 'the file is empty (0 bytes)'],
  ])('%s: ModelInspectionError with the runtime’s reason', async (_, bytes, reason) => {
    const error = await inspectModel(bytes).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelInspectionError);
    expect((error as ModelInspectionError).reason).toContain(reason);
    expect((error as ModelInspectionError).message).toContain('The model does not load in onnxruntime: ');
    expect((error as ModelInspectionError).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('a graph onnxruntime cannot run: the runtime’s own words', async () => {
    const bytes = buildOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['N', 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['N', 2] }],
      nodes: [{ op: 'NoSuchOperator', inputs: ['x'], outputs: ['y'] }],
    });
    const error = await inspectModel(bytes).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelInspectionError);
    expect((error as ModelInspectionError).reason).toContain('NoSuchOperator');
  });
});

describe('readOpsetImports', () => {
  it('reads the imports without the graph, reporting the default domain as ai.onnx', () => {
    expect(readOpsetImports(buildOnnxModel({ inputs: [], outputs: [], nodes: [], opset: 13 }))).toEqual([
      { domain: 'ai.onnx', version: 13 },
    ]);
  });
});
