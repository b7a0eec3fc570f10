import { InvalidStateError } from '../../errors/assay-error.js';

/**
 * The second reading of a source found a value the first did not (the first decided the column
 * types): the file was modified while it was imported.
 */
export function sourceChangedError(detail: string): InvalidStateError {
  return new InvalidStateError(`The source file changed while it was imported (${detail}); import it again`);
}
