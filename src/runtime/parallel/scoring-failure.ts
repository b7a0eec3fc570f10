import { InvalidStateError } from '../../errors/assay-error.js';
import { ModelInputError } from '../model-input-error.js';
import type { ScoringFailure } from './scoring-protocol.js';

// Apart from piece-scoring.ts so that the thread's handle, loaded with every AssayContext, does
// not load the scoring code with it.

/** A lane's failure as it crosses from a worker thread... */
export function toFailure(error: unknown): ScoringFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ModelInputError) return { message, input: { column: error.column, row: error.row } };
  return { message, input: null };
}

/** ...and the same error again on the other side. */
export function fromFailure(failure: ScoringFailure): Error {
  if (failure.input) return new ModelInputError(failure.message, failure.input.column, failure.input.row);
  return new InvalidStateError(failure.message);
}
