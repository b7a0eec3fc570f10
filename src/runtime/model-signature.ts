import type { InferenceSession } from 'onnxruntime-node';
import type { ModelSignature, TensorSpec } from './model-spec.js';

/** What a signature shows for an input or output that is not a tensor (a sequence or a map). */
const NON_TENSOR_TYPE = 'non-tensor';

/** A model's signature as onnxruntime reports it; an unnamed dynamic dimension shows as '?'. */
export function signatureOf(session: InferenceSession): ModelSignature {
  return {
    inputs: session.inputMetadata.map(tensorSpec),
    outputs: session.outputMetadata.map(tensorSpec),
  };
}

function tensorSpec(metadata: InferenceSession.ValueMetadata): TensorSpec {
  if (!metadata.isTensor) return { name: metadata.name, type: NON_TENSOR_TYPE, shape: [] };
  return {
    name: metadata.name,
    type: metadata.type,
    shape: metadata.shape.map((dim) => (typeof dim === 'string' && dim === '' ? '?' : dim)),
  };
}

/** `[N, 1]` or `[N]`: one value per row. */
export function isPerRowShape(shape: readonly (number | string)[]): boolean {
  return shape.length === 1 || (shape.length === 2 && shape[1] === 1);
}

/** How a spec's shape prints in messages: `[N, 30]`. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
