import { InvalidParameterError } from '../errors/assay-error.js';

/** MLflow's `validate_path_is_safe` gives up after this many decoding rounds. */
const MAX_DECODE_ROUNDS = 10;

/** MLflow's message for every refused artifact path; it names nothing, so it cannot echo an attack back. */
export const INVALID_PATH_MESSAGE = 'Invalid path';

/**
 * Checks a client-supplied artifact path (already URL-decoded once by the HTTP layer, as Flask does) and
 * returns it as clean '/'-joined segments, '' for the root.
 *
 * As MLflow's `validate_path_is_safe`, the path is percent-decoded until it stops changing and the decoded
 * value is what gets used (`a%2520b` names `a b`). Refused, whatever the encoding: `..` segments, absolute
 * paths, Windows drive letters, `#`. Refused beyond MLflow (which allows them on Linux): backslashes (a
 * separator on Windows and for many tools), NUL and other control characters (they end C strings and
 * corrupt headers and logs), and a path still changing after 10 rounds (MLflow answers that with a 500).
 * Empty and `.` segments are dropped. Symlinks are the store's business: they need the filesystem.
 */
export function normalizeArtifactPath(rawPath: string): string {
  const decoded = decodeFully(rawPath);
  if (
    decoded.startsWith('/') ||
    /^[A-Za-z]:/.test(decoded) ||
    /[\\#]/.test(decoded) ||
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    /[\u0000-\u001f\u007f]/.test(decoded)
  ) {
    throw new InvalidParameterError(INVALID_PATH_MESSAGE);
  }
  const segments = decoded.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new InvalidParameterError(INVALID_PATH_MESSAGE);
  return segments.join('/');
}

/** Joins normalized artifact paths. */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

function decodeFully(value: string): string {
  let current = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round += 1) {
    const decoded = percentDecode(current);
    if (decoded === current) return current;
    current = decoded;
  }
  throw new InvalidParameterError(INVALID_PATH_MESSAGE);
}

/**
 * Python's `urllib.parse.unquote`: decodes every valid `%XX` run as UTF-8 (invalid bytes become U+FFFD)
 * and leaves malformed escapes such as `%zz` alone. `decodeURIComponent` would instead throw on the
 * first malformed escape, and a caller that then treated the whole value as literal would let
 * `%2e%2e%2f%zz` through undecoded.
 */
function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'),
  );
}
