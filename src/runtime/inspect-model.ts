import { createHash } from 'node:crypto';
import { modelRoles, type ModelOverrides } from './model-roles.js';
import { signatureOf } from './model-signature.js';
import type { ModelSpec } from './model-spec.js';
import { readOpsetImports } from './onnx-opsets.js';
import { openSession } from './onnx-session.js';

/**
 * Everything Assay records about an ONNX model: loaded once with onnxruntime for its signature, its
 * opsets read from the file's header fields, its task and input mode decided from the signature and
 * `overrides`. Throws ModelInspectionError (the runtime refuses the file) or UnsupportedModelError
 * (it loads, but Assay cannot feed it from a table or tell what its outputs mean).
 */
export async function inspectModel(bytes: Uint8Array, overrides: ModelOverrides = {}): Promise<ModelSpec> {
  const session = await openSession(bytes);
  try {
    const signature = signatureOf(session);
    return {
      format: 'onnx',
      signature,
      opsets: readOpsetImports(bytes),
      sizeBytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...modelRoles(signature, overrides),
    };
  } finally {
    await session.release();
  }
}
