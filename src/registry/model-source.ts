import fsp from 'node:fs/promises';
import path from 'node:path';
import { InvalidParameterError } from '../errors/assay-error.js';
import { pythonUnquote, pythonUnquotePlus, pythonUrlParse } from './python-url.js';

/**
 * Checks a model version's `source` as MLflow 2.10.2's server does before registering
 * (handlers._validate_source): a local path must lie inside the artifact directory of the run it
 * names, and any other URI must hold an absolute path without relative references, so that no
 * source can point the server at files it should not read. MLflow answers 500 for a `file:` URI
 * with a remote host; Assay answers 400 with the same message.
 *
 * `runArtifactUri` looks the run up (and throws its not-found error), only when a local source needs it.
 */
export async function validateModelSource(
  source: string,
  runId: string,
  runArtifactUri: (runId: string) => Promise<string>,
): Promise<void> {
  if (isLocalUri(source)) {
    let shown = source;
    if (runId) {
      const artifactUri = await runArtifactUri(runId);
      const resolved = await resolveRealPath(localFileUriToPath(source));
      shown = resolved;
      // MLflow 2.10.2 also resolves a non-local artifact URI such as `mlflow-artifacts:/0/<run>` as a
      // path under the server's working directory, which a crafted relative source could match.
      // Only a local artifact root can contain a local source (as in later MLflow versions).
      if (isLocalArtifactRoot(artifactUri)) {
        const runDirectory = await resolveRealPath(localFileUriToPath(artifactUri));
        if (isWithin(resolved, runDirectory)) return;
      }
    }
    throw new InvalidParameterError(
      `Invalid model version source: '${shown}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
    );
  }
  refuseRelativeReferences(source);
}

/** Python's `is_local_uri`: no scheme, or `file:` without a remote host. */
export function isLocalUri(uri: string): boolean {
  if (uri === 'databricks') return false;
  const parsed = pythonUrlParse(uri);
  if (parsed.scheme === '') return true;
  const host = parsed.hostname;
  const remoteHost =
    host !== null && !(host === '.' || host.startsWith('localhost') || host.startsWith('127.0.0.1'));
  if (parsed.scheme === 'file') {
    if (remoteHost) {
      throw new InvalidParameterError(
        `${uri} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).`,
      );
    }
    return true;
  }
  return false;
}

function isLocalArtifactRoot(uri: string): boolean {
  try {
    return isLocalUri(uri);
  } catch {
    return false; // a file: URI on another host: not a directory of this server
  }
}

function localFileUriToPath(uri: string): string {
  return pythonUnquote(uri.startsWith('file:') ? pythonUrlParse(uri).path : uri);
}

function refuseRelativeReferences(source: string): void {
  const refusal = new InvalidParameterError(
    `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
  );
  let decoded = source;
  for (let next = pythonUnquotePlus(decoded); next !== decoded; next = pythonUnquotePlus(decoded))
    decoded = next;
  // Beyond MLflow 2.10.2 (as later versions do): a `..` hidden behind an encoded `#` or `?` leaves the
  // parsed path clean, yet the stored source still climbs out wherever it is used.
  if (decoded.split(/[/\\]/).includes('..')) throw refusal;
  const sourcePath = pythonUrlParse(decoded).path.replace(/\/+$/, '').replace(/\/+/g, '/');
  if (sourcePath.includes('\0')) throw refusal;
  // MLflow compares the path with `Path(path).resolve()`: a relative path (including an empty one)
  // resolves under the server's working directory, and `.` or `..` segments resolve away. Unlike
  // MLflow, symlinks on the server are not followed: a URI path names no local file.
  if (!sourcePath.startsWith('/') || path.posix.normalize(sourcePath) !== sourcePath) throw refusal;
}

/** Python's `Path.resolve()` (non-strict): absolute, symlinks resolved as far as the path exists. */
async function resolveRealPath(localPath: string): Promise<string> {
  const absolute = path.resolve(localPath);
  let current = '/';
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    current = await fsp.realpath(next).catch(() => next);
  }
  return current;
}

function isWithin(candidate: string, directory: string): boolean {
  return (
    candidate === directory || candidate.startsWith(directory.endsWith('/') ? directory : `${directory}/`)
  );
}
