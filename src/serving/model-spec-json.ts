import { z } from 'zod';
import type { ModelSpec } from '../runtime/model-spec.js';

/*
 * A ModelSpec is plain JSON already (strings, numbers, arrays, nulls: it is stored as JSON in
 * model_runtimes), so the server sends it as it is; what needs care is the other side. A serving
 * replica must not load a model on the word of a response it cannot vouch for: a proxy's error
 * page, an older or newer server, a truncated body. Every field is checked before the spec is used.
 */

const Name = z.string().min(1);

const TensorSpecJson = z.object({
  name: Name,
  type: Name,
  shape: z.array(z.union([z.number().int(), Name])),
});

const ModelSpecJson = z.object({
  format: z.literal('onnx'),
  signature: z.object({ inputs: z.array(TensorSpecJson), outputs: z.array(TensorSpecJson) }),
  opsets: z.array(z.object({ domain: z.string(), version: z.number().int().min(0) })),
  sizeBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  task: z.enum(['classification', 'regression']),
  inputMode: z.enum(['tensor', 'columns', 'tensors']),
  featureColumns: z.array(Name).nullable(),
  labelOutput: Name.nullable(),
  probabilitiesOutput: Name.nullable(),
  valueOutput: Name.nullable(),
  classCount: z.number().int().nullable(),
});

/**
 * The ModelSpec in `json`, or a message naming the first field that is wrong. Unknown fields are
 * dropped: a newer server may add some, and this process would not know what to do with them.
 */
export function parseModelSpec(json: unknown): { spec: ModelSpec } | { problem: string } {
  const parsed = ModelSpecJson.safeParse(json);
  if (parsed.success) return { spec: parsed.data };
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.');
  return { problem: `spec${path ? `.${path}` : ''}: ${issue?.message ?? 'invalid'}` };
}
