import type { InferenceSession } from 'onnxruntime-node';
import { ort } from './onnxruntime.js';
import { ModelInspectionError } from './model-inspection-error.js';

/** onnxruntime's session options that Assay sets; anything else stays at the runtime's defaults. */
export interface SessionSettings {
  /** Threads one operator may use; the runtime's default (one per core) when absent. */
  readonly intraOpThreads?: number | undefined;
}

/**
 * Loads a model from its bytes. A file the runtime refuses becomes a ModelInspectionError carrying
 * the runtime's reason (an empty file gets a plainer one than "Model data pointer is null").
 */
export async function openSession(
  bytes: Uint8Array,
  settings: SessionSettings = {},
): Promise<InferenceSession> {
  if (bytes.byteLength === 0) throw new ModelInspectionError('the file is empty (0 bytes)');
  const options: InferenceSession.SessionOptions = {};
  if (settings.intraOpThreads !== undefined) options.intraOpNumThreads = settings.intraOpThreads;
  try {
    return await ort.InferenceSession.create(bytes, options);
  } catch (error) {
    throw new ModelInspectionError(error instanceof Error ? error.message : String(error));
  }
}
