import { InvalidParameterError } from '../errors/assay-error.js';
import type { InputMode, ModelSignature, ModelSpec, ModelTask, TensorSpec } from './model-spec.js';
import { formatShape, isPerRowShape } from './model-signature.js';

/** What the registering user says about a model, overriding what its signature suggests. */
export interface ModelOverrides {
  readonly task?: ModelTask | undefined;
  readonly outputs?:
    | {
        readonly label?: string | undefined;
        readonly probabilities?: string | undefined;
        readonly value?: string | undefined;
      }
    | undefined;
  /** Tensor mode: the columns feeding the [N, F] input, in order. */
  readonly featureColumns?: readonly string[] | null | undefined;
}

/** A model that loads but whose interface Assay cannot use on a table (or that contradicts the overrides). */
export class UnsupportedModelError extends InvalidParameterError {}

export type ModelRoles = Pick<
  ModelSpec,
  | 'task'
  | 'inputMode'
  | 'featureColumns'
  | 'labelOutput'
  | 'probabilitiesOutput'
  | 'valueOutput'
  | 'classCount'
>;

const TENSOR_INPUT_TYPES: readonly string[] = ['float32', 'float64', 'int32', 'int64'];
const COLUMN_INPUT_TYPES: readonly string[] = [...TENSOR_INPUT_TYPES, 'string', 'bool'];
const SERVED_INPUT_TYPES: readonly string[] = [
  ...COLUMN_INPUT_TYPES,
  'float16',
  'int8',
  'int16',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
];
const LABEL_TYPES = ['int64', 'int32'];
const FLOAT_TYPES = ['float32', 'float64'];

/**
 * Decides how a model is fed from a table and what its outputs mean. Classification: an integer
 * label output `[N]`/`[N, 1]` and a float probabilities output `[N, C]`; regression: one float output
 * `[N]`/`[N, 1]`. `tensor` input mode: one `[N, F]` input with F fixed; `columns`: every input `[N, 1]`.
 */
export function modelRoles(signature: ModelSignature, overrides: ModelOverrides = {}): ModelRoles {
  return {
    ...inputRoles(signature.inputs, overrides.featureColumns ?? null),
    ...outputRoles(signature.outputs, overrides),
  };
}

function inputRoles(
  inputs: readonly TensorSpec[],
  featureColumns: readonly string[] | null,
): Pick<ModelRoles, 'inputMode' | 'featureColumns'> {
  const mode = inputMode(inputs, featureColumns);
  if (mode === 'columns') {
    if (featureColumns !== null) {
      throw new UnsupportedModelError(
        `Feature columns apply to a model with one [N, F] input; this one takes one input per column (${inputs.map((input) => input.name).join(', ')}), matched by name`,
      );
    }
    return { inputMode: mode, featureColumns: null };
  }
  const input = inputs[0] as TensorSpec;
  const width = input.shape[1] as number;
  if (featureColumns !== null) {
    if (featureColumns.length !== width) {
      throw new UnsupportedModelError(
        `The model's input '${input.name}' ${formatShape(input.shape)} takes ${width} feature columns; ${featureColumns.length} were given (${featureColumns.join(', ')})`,
      );
    }
    const duplicate = featureColumns.find((column, index) => featureColumns.indexOf(column) !== index);
    if (duplicate !== undefined)
      throw new UnsupportedModelError(`Feature column '${duplicate}' is given twice`);
  }
  return { inputMode: mode, featureColumns };
}

function inputMode(inputs: readonly TensorSpec[], featureColumns: readonly string[] | null): InputMode {
  const [first] = inputs;
  // A lone [N, 1] input is a pipeline's single column unless the caller names the feature feeding it.
  if (
    inputs.length === 1 &&
    first !== undefined &&
    first.shape.length === 2 &&
    typeof first.shape[1] === 'number' &&
    first.shape[1] > 0 &&
    TENSOR_INPUT_TYPES.includes(first.type) &&
    (first.shape[1] > 1 || featureColumns !== null)
  ) {
    return 'tensor';
  }
  if (
    inputs.length > 0 &&
    inputs.every((input) => isPerRowShape(input.shape) && COLUMN_INPUT_TYPES.includes(input.type))
  ) {
    return 'columns';
  }
  // No table feeds it, but it can still be served, when every input is a tensor of rows.
  if (
    featureColumns === null &&
    inputs.length > 0 &&
    inputs.every((input) => SERVED_INPUT_TYPES.includes(input.type) && input.shape.length >= 1)
  ) {
    return 'tensors';
  }
  throw new UnsupportedModelError(
    `Assay cannot feed this model: it takes ${describe(inputs)}; Assay feeds one [N, F] input (${TENSOR_INPUT_TYPES.join(', ')}), one [N, 1] input per column (${COLUMN_INPUT_TYPES.join(', ')}), or, to serve only, tensors of those types${featureColumns !== null ? ' (feature columns apply to one [N, F] input)' : ''}`,
  );
}

/** A model that only serving can feed: evaluations, diffs and checks refuse it with this. */
export function notTabular(inputs: readonly TensorSpec[]): UnsupportedModelError {
  return new UnsupportedModelError(
    `This model takes ${describe(inputs)}, which no table feeds: it can be served (KServe v2 tensors), but not run over a dataset`,
  );
}

function outputRoles(
  outputs: readonly TensorSpec[],
  overrides: ModelOverrides,
): Omit<ModelRoles, 'inputMode' | 'featureColumns'> {
  const named = overrides.outputs ?? {};
  const label = named.label === undefined ? undefined : findOutput(outputs, named.label, 'label', isLabel);
  const probabilities =
    named.probabilities === undefined
      ? undefined
      : findOutput(outputs, named.probabilities, 'probabilities', isProbabilities);
  const value = named.value === undefined ? undefined : findOutput(outputs, named.value, 'value', isValue);
  const task =
    overrides.task ??
    (value ? 'regression' : label || probabilities ? 'classification' : detectTask(outputs));
  if (task === 'classification') {
    if (value)
      throw new UnsupportedModelError(`A classification model has no value output (given '${value.name}')`);
    const labelOutput = label ?? outputs.find(isLabel);
    const probabilitiesOutput = probabilities ?? outputs.find(isProbabilities);
    if (!labelOutput && !probabilitiesOutput) {
      throw new UnsupportedModelError(
        `No classification outputs among ${describe(outputs)}: expected an int64 label output [N] and a float probabilities output [N, C]`,
      );
    }
    const classes = probabilitiesOutput?.shape[1];
    return {
      task,
      labelOutput: labelOutput?.name ?? null,
      probabilitiesOutput: probabilitiesOutput?.name ?? null,
      valueOutput: null,
      classCount: typeof classes === 'number' ? classes : null,
    };
  }
  if (label || probabilities) {
    throw new UnsupportedModelError(
      `A regression model has one value output, not a label or probabilities output`,
    );
  }
  const candidates = outputs.filter(isValue);
  const valueOutput = value ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!valueOutput) {
    throw new UnsupportedModelError(
      `${candidates.length === 0 ? 'No' : 'More than one'} float output [N] or [N, 1] among ${describe(outputs)}: name the value output`,
    );
  }
  return {
    task,
    labelOutput: null,
    probabilitiesOutput: null,
    valueOutput: valueOutput.name,
    classCount: null,
  };
}

function detectTask(outputs: readonly TensorSpec[]): ModelTask {
  if (outputs.some(isLabel) && outputs.some(isProbabilities)) return 'classification';
  if (outputs.filter(isValue).length === 1) return 'regression';
  throw new UnsupportedModelError(
    `Cannot tell the model's task from its outputs ${describe(outputs)}: a classifier has an int64 label output [N] and a float probabilities output [N, C], a regressor one float output [N] or [N, 1]; give the task and output names`,
  );
}

function findOutput(
  outputs: readonly TensorSpec[],
  name: string,
  role: string,
  fits: (output: TensorSpec) => boolean,
): TensorSpec {
  const output = outputs.find((candidate) => candidate.name === name);
  if (!output) {
    throw new UnsupportedModelError(
      `The model has no output '${name}' (for ${role}); its outputs: ${describe(outputs)}`,
    );
  }
  if (!fits(output)) {
    throw new UnsupportedModelError(
      `Output '${name}' (${output.type} ${formatShape(output.shape)}) cannot be the ${role} output`,
    );
  }
  return output;
}

function isLabel(output: TensorSpec): boolean {
  return LABEL_TYPES.includes(output.type) && isPerRowShape(output.shape);
}

function isProbabilities(output: TensorSpec): boolean {
  const classes = output.shape[1];
  return (
    FLOAT_TYPES.includes(output.type) &&
    output.shape.length === 2 &&
    (typeof classes === 'string' || (classes !== undefined && classes >= 2))
  );
}

function isValue(output: TensorSpec): boolean {
  return FLOAT_TYPES.includes(output.type) && isPerRowShape(output.shape);
}

function describe(tensors: readonly TensorSpec[]): string {
  if (tensors.length === 0) return 'nothing';
  return tensors.map((tensor) => `${tensor.name} (${tensor.type} ${formatShape(tensor.shape)})`).join(', ');
}
