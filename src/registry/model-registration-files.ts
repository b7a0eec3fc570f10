import { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { readArtifactBytes } from '../artifacts/read-artifact-bytes.js';
import { PayloadTooLargeError } from '../errors/assay-error.js';
import { ModelInspectionError } from '../runtime/model-inspection-error.js';
import type { ModelOverrides } from '../runtime/model-roles.js';
import type { ModelSpec } from '../runtime/model-spec.js';

/**
 * ONNX files are single protobuf messages, which cannot exceed 2 GiB; larger models keep their
 * weights in external data files, which a model loaded from bytes cannot reach.
 */
export const MAX_MODEL_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/** Where a model file lives in the artifact store: by content, so the same file is stored once. */
function modelFilePath(sha256: string): string {
  return `models/${sha256}/model.onnx`;
}

/** The MLflow URI of a stored model file: MLflow clients download it through the artifact proxy. */
export function modelFileUri(artifactPath: string): string {
  return `mlflow-artifacts:/${artifactPath}`;
}

/** A stored file in memory (onnxruntime loads models from bytes), refusing more than `maxBytes`. */
export function readStoredBytes(
  store: ArtifactStore,
  path: string,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  return readArtifactBytes(store, path, { maxBytes, tooLarge: () => tooLarge(what, maxBytes) });
}

function tooLarge(what: string, maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `${what} is larger than ${maxBytes} bytes, the most a single ONNX file can hold`,
  );
}

/** Collects a stream into memory (onnxruntime loads models from bytes), refusing more than `maxBytes`. */
export async function readAllBytes(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const part = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += part.length;
    if (total > maxBytes) {
      stream.destroy();
      throw tooLarge(what, maxBytes);
    }
    parts.push(part);
  }
  return Buffer.concat(parts, total);
}

/** Stores the model file under its content address unless it is already there. */
export async function storeModelFile(store: ArtifactStore, bytes: Buffer, sha256: string): Promise<string> {
  const artifactPath = modelFilePath(sha256);
  const present = (await store.list(`models/${sha256}`)).some(
    (entry) => entry.name === 'model.onnx' && !entry.isDir && entry.fileSize === bytes.length,
  );
  if (!present) await store.write(artifactPath, Readable.from([bytes]), { maxBytes: bytes.length });
  return artifactPath;
}

/** The spec, or onnxruntime's reason for refusing the file. Other errors (bad overrides) are thrown. */
export async function inspectOrReason(
  bytes: Buffer,
  overrides: ModelOverrides = {},
): Promise<{ spec: ModelSpec } | { reason: string }> {
  try {
    // Loaded on first use: onnxruntime's native library costs every process that never inspects a model.
    const { inspectModel } = await import('../runtime/inspect-model.js');
    return { spec: await inspectModel(bytes, overrides) };
  } catch (error) {
    if (error instanceof ModelInspectionError) return { reason: error.reason };
    throw error;
  }
}
