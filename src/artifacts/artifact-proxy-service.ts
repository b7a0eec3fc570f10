import type { Readable } from 'node:stream';
import { InvalidParameterError } from '../errors/assay-error.js';
import { artifactContentType } from './artifact-content-type.js';
import { INVALID_PATH_MESSAGE, normalizeArtifactPath } from './artifact-path.js';
import type { ArtifactEntry, ArtifactStore } from './artifact-store.js';

export interface ArtifactDownload {
  readonly stream: Readable;
  readonly size: number;
  readonly fileName: string;
  readonly contentType: string;
}

/**
 * MLflow's artifact proxy (`mlflow-artifacts`): paths are relative to the artifact root, not to a run,
 * and every client-supplied path goes through `normalizeArtifactPath` before the store sees it.
 */
export class ArtifactProxyService {
  constructor(private readonly store: ArtifactStore) {}

  /** Refuses an unsafe path before any byte of the body is read. */
  uploadTarget(rawPath: string): string {
    const path = normalizeArtifactPath(rawPath);
    if (path === '') throw new InvalidParameterError(INVALID_PATH_MESSAGE);
    return path;
  }

  async upload(path: string, body: Readable, maxBytes: number): Promise<void> {
    await this.store.write(path, body, { maxBytes });
  }

  async download(rawPath: string): Promise<ArtifactDownload> {
    const path = normalizeArtifactPath(rawPath);
    const { stream, size } = await this.store.read(path);
    return {
      stream,
      size,
      fileName: path.slice(path.lastIndexOf('/') + 1),
      contentType: artifactContentType(path),
    };
  }

  /** A missing directory and a file both list as empty: MLflow's client relies on that to tell files from directories. */
  async list(rawPath: string | undefined): Promise<ArtifactEntry[]> {
    return this.store.list(rawPath ? normalizeArtifactPath(rawPath) : '');
  }

  async delete(rawPath: string): Promise<void> {
    await this.store.delete(normalizeArtifactPath(rawPath));
  }

  /** Multipart uploads are for object stores; the path is still checked first, as MLflow does. */
  checkMultipartPath(rawPath: string): void {
    normalizeArtifactPath(rawPath);
  }
}
