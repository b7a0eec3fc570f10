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

/** A stored file opened for reads at any position. Close it when done. */
export interface ArtifactFile {
  readonly size: number;
  /**
   * `length` bytes from `position` (fewer only past the end of the file), into `into` when it is
   * large enough (the result is then a view of it), else into a new buffer.
   */
  read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
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
  /**
   * The file for reads at any position (range requests, on object storage): for readers that know
   * the layout of what they read and fetch exactly the parts they need. Errors as `read`.
   */
  open(path: string): Promise<ArtifactFile>;
  /** Entries directly under `path`, sorted by name; empty when `path` is missing or is a file. */
  list(path: string): Promise<ArtifactEntry[]>;
  /** Removes a file or a directory tree; a missing path is not an error; the root cannot be deleted. */
  delete(path: string): Promise<void>;
}
