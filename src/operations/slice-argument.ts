import { InvalidParameterError } from '../errors/assay-error.js';

/** `NAME=PREDICATE`, as `--slice` and the upload route's `slice` parameter take a dataset slice. */
export function parseSlice(text: string): { name: string; predicate: string } {
  const at = text.indexOf('=');
  const name = at < 0 ? '' : text.slice(0, at).trim();
  const predicate = at < 0 ? '' : text.slice(at + 1).trim();
  if (!name || !predicate) {
    throw new InvalidParameterError(`slice '${text}' must be NAME=PREDICATE, e.g. 'seniors=age >= 60'`);
  }
  return { name, predicate };
}
