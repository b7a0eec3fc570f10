import type { Readable } from 'node:stream';

export interface ArtifactEntry {
  /** The entry's name inside the listed directory. */
  readonly name: string;
  readonly isDir: boolean;
  /** Size in bytes; absent for directories. */
  readonly fileSize?: number;
}

export interface StoredArtifact {
  readonly stream: Readable;
  readonly size: number;
}

/**
 * Where artifacts live. Paths are relative, '/'-separated and already checked by
 * `normalizeArtifactPath`; implementations must still never touch anything outside their root, and
 * refuse (InvalidParameterError) a path that would lead outside it, e.g. through a symlink.
 * A local directory now; S3-compatible storage implements the same interface.
 */
export interface ArtifactStore {
  /** For start-up messages. */
  readonly description: string;
  /**
   * Streams `body` into `path`, replacing any file there, all or nothing: a failed or oversized upload
   * (PayloadTooLargeError past `maxBytes`) leaves no file behind. May destroy `body` on failure.
   */
  write(path: string, body: Readable, options: { maxBytes: number }): Promise<{ bytes: number }>;
  /** NotFoundError when there is no such file; InvalidParameterError when `path` is a directory. */
  read(path: string): Promise<StoredArtifact>;
  /** Entries directly under `path`, sorted by name; empty when `path` is missing or is a file. */
  list(path: string): Promise<ArtifactEntry[]>;
  /** Removes a file or a directory tree; a missing path is not an error; the root cannot be deleted. */
  delete(path: string): Promise<void>;
}
