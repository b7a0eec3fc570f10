import protobuf from 'protobufjs';

/**
 * Builds small ONNX models for tests of what the fixture models do not cover (integer and boolean
 * inputs, int32 labels, models without a label output). Just enough of onnx.proto to write a graph
 * of a few nodes; onnxruntime then loads and runs them for real.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    ModelProto: {
      fields: {
        irVersion: { type: 'int64', id: 1 },
        producerName: { type: 'string', id: 2 },
        graph: { type: 'GraphProto', id: 7 },
        opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
      },
    },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: {
      fields: {
        input: { rule: 'repeated', type: 'string', id: 1 },
        output: { rule: 'repeated', type: 'string', id: 2 },
        name: { type: 'string', id: 3 },
        opType: { type: 'string', id: 4 },
        attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
      },
    },
    AttributeProto: {
      fields: {
        name: { type: 'string', id: 1 },
        i: { type: 'int64', id: 3 },
        ints: { rule: 'repeated', type: 'int64', id: 8 },
        type: { type: 'int32', id: 20 },
      },
    },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
    TypeProtoTensor: {
      fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
    },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
    TensorProto: {
      fields: {
        dims: { rule: 'repeated', type: 'int64', id: 1 },
        dataType: { type: 'int32', id: 2 },
        floatData: { rule: 'repeated', type: 'float', id: 4 },
        name: { type: 'string', id: 8 },
      },
    },
  },
});
const ModelProto = root.lookupType('ModelProto');

export const ELEMENT_TYPES = { float32: 1, int32: 6, int64: 7, string: 8, bool: 9, float64: 11 } as const;
export type ElementType = keyof typeof ELEMENT_TYPES;

export interface ValueInfo {
  readonly name: string;
  readonly type: ElementType;
  readonly shape: readonly (number | string)[];
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints?: Readonly<Record<string, number>>;
  readonly intLists?: Readonly<Record<string, readonly number[]>>;
}

export interface GraphSpec {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly { name: string; dims: readonly number[]; values: readonly number[] }[];
  readonly opset?: number;
}

const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

export function buildOnnxModel(spec: GraphSpec): Buffer {
  const valueInfo = (value: ValueInfo) => ({
    name: value.name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[value.type],
        shape: {
          dim: value.shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })),
        },
      },
    },
  });
  const message = ModelProto.fromObject({
    irVersion: 8,
    producerName: 'assay-tests',
    opsetImport: [{ domain: '', version: spec.opset ?? 15 }],
    graph: {
      name: 'test',
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map((tensor) => ({
        name: tensor.name,
        dims: tensor.dims,
        dataType: ELEMENT_TYPES.float32,
        floatData: tensor.values,
      })),
      node: spec.nodes.map((node, index) => ({
        name: `node${index}`,
        opType: node.op,
        input: node.inputs,
        output: node.outputs,
        attribute: [
          ...Object.entries(node.ints ?? {}).map(([name, i]) => ({ name, i, type: ATTRIBUTE_INT })),
          ...Object.entries(node.intLists ?? {}).map(([name, ints]) => ({
            name,
            ints,
            type: ATTRIBUTE_INTS,
          })),
        ],
      })),
    },
  });
  return Buffer.from(ModelProto.encode(message).finish());
}

/** Cast node: `to` is an ONNX element type. */
export function cast(input: string, output: string, to: ElementType): NodeSpec {
  return { op: 'Cast', inputs: [input], outputs: [output], ints: { to: ELEMENT_TYPES[to] } };
}

/**
 * y (float64 [N, 1]) = a + b + c + d, with a int64, b int32, c bool, d float64, each [N, 1], and
 * e a string [N, 1] that is ignored but must be fed: every kind of columns-mode input.
 */
export function typedColumnsModel(batch: number | string = 'N'): Buffer {
  return buildOnnxModel({
    inputs: [
      { name: 'a', type: 'int64', shape: [batch, 1] },
      { name: 'b', type: 'int32', shape: [batch, 1] },
      { name: 'c', type: 'bool', shape: [batch, 1] },
      { name: 'd', type: 'float64', shape: [batch, 1] },
      { name: 'e', type: 'string', shape: [batch, 1] },
    ],
    outputs: [
      { name: 'y', type: 'float64', shape: [batch, 1] },
      { name: 'e_out', type: 'string', shape: [batch, 1] },
    ],
    nodes: [
      cast('a', 'a64', 'float64'),
      cast('b', 'b64', 'float64'),
      cast('c', 'c64', 'float64'),
      { op: 'Add', inputs: ['a64', 'b64'], outputs: ['ab'] },
      { op: 'Add', inputs: ['ab', 'c64'], outputs: ['abc'] },
      { op: 'Add', inputs: ['abc', 'd'], outputs: ['y'] },
      { op: 'Identity', inputs: ['e'], outputs: ['e_out'] },
    ],
  });
}

/**
 * probabilities = softmax(x) for x float32 [N, 3]; with `label`, also argmax as int32 [N]. `batch`
 * fixes the batch dimension, as exports without dynamic axes do.
 */
export function softmaxModel(options: { label: boolean; batch?: number }): Buffer {
  const label = options.label;
  const batch = options.batch ?? 'batch';
  return buildOnnxModel({
    inputs: [{ name: 'x', type: 'float32', shape: [batch, 3] }],
    outputs: [
      { name: 'probs', type: 'float32', shape: [batch, 3] },
      ...(label ? [{ name: 'klass', type: 'int32' as const, shape: [batch] }] : []),
    ],
    nodes: [
      { op: 'Softmax', inputs: ['x'], outputs: ['probs'], ints: { axis: 1 } },
      ...(label
        ? [
            { op: 'ArgMax', inputs: ['x'], outputs: ['k64'], ints: { axis: 1, keepdims: 0 } },
            cast('k64', 'klass', 'int32'),
          ]
        : []),
    ],
  });
}

/** value (float32 [N]) = x . [1, 10] for x int64 [N, 2]: a tensor-mode model with an integer input. */
export function int64TensorModel(): Buffer {
  return buildOnnxModel({
    inputs: [{ name: 'x', type: 'int64', shape: ['N', 2] }],
    outputs: [{ name: 'value', type: 'float32', shape: ['N'] }],
    initializers: [{ name: 'w', dims: [2], values: [1, 10] }],
    nodes: [cast('x', 'xf', 'float32'), { op: 'MatMul', inputs: ['xf', 'w'], outputs: ['value'] }],
  });
}
