import {
  AssayError,
  InvalidParameterError,
  InvalidStateError,
  type ErrorCode,
} from '../../errors/assay-error.js';
import type { EncodedBatch } from './encoded-batch.js';

/** What a range worker sends back for a task. */
export type WorkerReply =
  | { readonly kind: 'batch'; readonly batch: EncodedBatch }
  | { readonly kind: 'done' }
  /** Assay errors keep their code and status across the thread boundary. */
  | { readonly kind: 'error'; readonly message: string; readonly code?: ErrorCode; readonly status?: number };

/** The error a worker reported, as the class it was thrown as where the code tells it. */
export function replyError(reply: { message: string; code?: ErrorCode; status?: number }): Error {
  if (reply.code === 'INVALID_PARAMETER_VALUE' && reply.status === 400)
    return new InvalidParameterError(reply.message);
  if (reply.code === 'INVALID_STATE') return new InvalidStateError(reply.message);
  if (reply.code !== undefined && reply.status !== undefined)
    return new AssayError(reply.code, reply.message, reply.status);
  return new Error(`Dataset import worker failed: ${reply.message}`);
}
