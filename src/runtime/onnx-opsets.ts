import protobuf from 'protobufjs';

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

/**
 * Just enough of onnx.proto to read a model's opset imports (ModelProto.opset_import = 8,
 * OperatorSetIdProto.domain = 1, version = 2). Every other field, the graph above all, is skipped
 * unparsed, so reading costs one pass over the top-level field headers.
 */
const MODEL_PROTO = protobuf.Root.fromJSON({
  nested: {
    OperatorSetIdProto: {
      fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
    },
    ModelProto: {
      fields: { opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 } },
    },
  },
}).lookupType('ModelProto');

/** ONNX's default operator set, which models name by the empty domain. */
const DEFAULT_ONNX_DOMAIN = 'ai.onnx';

/**
 * The operator sets a model imports, in file order. The empty domain is reported as `ai.onnx`
 * (what ONNX means by it), so that people reading a spec need not know the convention.
 */
export function readOpsetImports(bytes: Uint8Array): OpsetImport[] {
  const message = MODEL_PROTO.decode(bytes);
  const plain = MODEL_PROTO.toObject(message, { longs: Number, defaults: true }) as {
    opsetImport?: { domain?: string; version?: number }[];
  };
  return (plain.opsetImport ?? []).map((entry) => ({
    domain: entry.domain ? entry.domain : DEFAULT_ONNX_DOMAIN,
    version: Number(entry.version ?? 0),
  }));
}
