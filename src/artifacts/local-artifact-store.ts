import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidParameterError, NotFoundError, PayloadTooLargeError } from '../errors/assay-error.js';
import { INVALID_PATH_MESSAGE } from './artifact-path.js';
import type { ArtifactEntry, ArtifactFile, ArtifactStore, StoredArtifact } from './artifact-store.js';
import {
  compareNames,
  isCode,
  lstatOrNull,
  openedFilePath,
  realpathOrNull,
  statOrNull,
  type Located,
} from './local-fs.js';

/** Uploads in progress: written beside their target, renamed into place when complete, never listed. */
const PARTIAL_PREFIX = '.assay-upload-';
const PARTIAL_NAME = /^\.assay-upload-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.partial$/;

/** O_NOFOLLOW: a final component swapped for a symlink after the checks fails instead of being followed. */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Artifacts in a local directory. Every access is confined to the root: paths are walked one
 * component at a time from the real root, and a symlink is followed only when its target is inside
 * the root (otherwise the request is refused). On Linux, files are also checked after they are
 * opened, through /proc, so a directory swapped for a symlink between check and open is caught.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly description: string;
  private readonly root: string;
  private realRoot: string | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.description = this.root;
  }

  async write(
    relativePath: string,
    body: Readable,
    options: { maxBytes: number },
  ): Promise<{ bytes: number }> {
    if (relativePath === '') throw new InvalidParameterError(INVALID_PATH_MESSAGE);
    const located = await this.locate(relativePath, { createParents: true, followLast: true });
    if (located.kind === 'blocked') {
      throw new InvalidParameterError(`Artifact path '${located.at}' is a file, not a directory`);
    }
    if (located.kind === 'found' && located.stat.isDirectory()) {
      throw new InvalidParameterError(`Artifact path '${relativePath}' is a directory`);
    }
    const target = located.absolute;
    // Written beside the target and renamed: readers never see a partial file, failures leave none.
    const temporary = path.join(path.dirname(target), `${PARTIAL_PREFIX}${randomUUID()}.partial`);
    let handle: FileHandle | undefined;
    let bytes = 0;
    try {
      handle = await fsp.open(temporary, 'wx');
      await this.assertOpenedInside(handle);
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          if (bytes > options.maxBytes) {
            callback(
              new PayloadTooLargeError(
                `Artifact is larger than the upload limit of ${options.maxBytes} bytes`,
              ),
            );
            return;
          }
          callback(null, chunk);
        },
      });
      await pipeline(body, limit, handle.createWriteStream());
      handle = undefined; // closed by its stream
      await fsp.rename(temporary, target);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await fsp.rm(temporary, { force: true });
      throw mapFsError(error);
    }
    return { bytes };
  }

  async read(relativePath: string): Promise<StoredArtifact> {
    const { handle, size } = await this.openFile(relativePath);
    // The size comes from the open file, so it matches what is streamed even if the path is replaced.
    return { stream: handle.createReadStream(), size };
  }

  async open(relativePath: string): Promise<ArtifactFile> {
    const { handle, size } = await this.openFile(relativePath);
    return {
      size,
      async read(position, length, into) {
        const wanted = Math.max(0, Math.min(length, size - position));
        const bytes = into && into.byteLength >= wanted ? into : Buffer.allocUnsafe(wanted);
        let done = 0;
        while (done < wanted) {
          const { bytesRead } = await handle.read(bytes, done, wanted - done, position + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return bytes.subarray(0, done);
      },
      close: () => handle.close(),
    };
  }

  /** The file, opened inside the root, with the size of what was opened. */
  private async openFile(relativePath: string): Promise<{ handle: FileHandle; size: number }> {
    const located = await this.locate(relativePath, { createParents: false, followLast: true });
    if (located.kind !== 'found') throw new NotFoundError(`Artifact '${relativePath}' not found`);
    if (located.stat.isDirectory()) {
      throw new InvalidParameterError(`Artifact path '${relativePath}' is a directory, not a file`);
    }
    if (!located.stat.isFile()) throw new NotFoundError(`Artifact '${relativePath}' not found`);
    let handle: FileHandle;
    try {
      handle = await fsp.open(located.absolute, READ_FLAGS);
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new NotFoundError(`Artifact '${relativePath}' not found`);
      throw mapFsError(error);
    }
    try {
      await this.assertOpenedInside(handle);
      const stat = await handle.stat();
      if (!stat.isFile()) throw new NotFoundError(`Artifact '${relativePath}' not found`);
      return { handle, size: stat.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async list(relativePath: string): Promise<ArtifactEntry[]> {
    const located = await this.locate(relativePath, { createParents: false, followLast: true });
    if (located.kind !== 'found' || !located.stat.isDirectory()) return [];
    let dirents: fs.Dirent[];
    try {
      dirents = await fsp.readdir(located.absolute, { withFileTypes: true });
    } catch (error) {
      if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
      throw mapFsError(error);
    }
    const entries: ArtifactEntry[] = [];
    for (const dirent of dirents) {
      if (PARTIAL_NAME.test(dirent.name)) continue;
      const entry = await this.describeEntry(path.join(located.absolute, dirent.name), dirent);
      if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => compareNames(a.name, b.name));
  }

  async delete(relativePath: string): Promise<void> {
    if (relativePath === '') {
      throw new InvalidParameterError('Invalid path: the artifact root cannot be deleted');
    }
    // The last component is removed itself, never followed: deleting a symlink must not delete its target.
    const located = await this.locate(relativePath, { createParents: false, followLast: false });
    if (located.kind !== 'found') return;
    try {
      await fsp.rm(located.absolute, { recursive: true, force: true });
    } catch (error) {
      throw mapFsError(error);
    }
  }

  /**
   * Walks `relativePath` from the real root one component at a time. Missing parents are created
   * (non-recursively, so never through an unchecked symlink) when asked. Any symlink on the way must
   * resolve inside the root, else the path is refused; with `followLast: false` the last one is still
   * checked but reported unresolved.
   */
  private async locate(
    relativePath: string,
    options: { createParents: boolean; followLast: boolean },
  ): Promise<Located> {
    const realRoot = await this.resolveRoot();
    const segments = relativePath === '' ? [] : relativePath.split('/');
    // A second line behind normalizeArtifactPath: each step must name an entry of the directory it is in.
    if (
      segments.some(
        (segment) => segment === '' || segment === '.' || segment === '..' || /[\\\0]/.test(segment),
      )
    ) {
      throw new InvalidParameterError(INVALID_PATH_MESSAGE);
    }
    let current = realRoot;
    let currentStat = await fsp.stat(realRoot);
    for (let index = 0; index < segments.length; index += 1) {
      const last = index === segments.length - 1;
      const candidate = path.join(current, segments[index] as string);
      const stat = await lstatOrNull(candidate).catch((error: unknown) => {
        throw mapFsError(error);
      });
      if (stat === null) {
        if (last || !options.createParents) {
          return { kind: 'missing', absolute: path.join(candidate, ...segments.slice(index + 1)) };
        }
        await fsp.mkdir(candidate).catch((error: unknown) => {
          if (!isCode(error, 'EEXIST')) throw mapFsError(error);
        });
        index -= 1; // look at the component again: it exists now, whoever made it
        continue;
      }
      if (stat.isSymbolicLink()) {
        const real = await realpathOrNull(candidate);
        if (real === null || !this.isInside(real)) throw new InvalidParameterError(INVALID_PATH_MESSAGE);
        const target = await statOrNull(real);
        if (target === null)
          return { kind: 'missing', absolute: path.join(real, ...segments.slice(index + 1)) };
        if (last) {
          return options.followLast
            ? { kind: 'found', absolute: real, stat: target }
            : { kind: 'found', absolute: candidate, stat };
        }
        current = real;
        currentStat = target;
      } else {
        if (last) return { kind: 'found', absolute: candidate, stat };
        current = candidate;
        currentStat = stat;
      }
      if (!currentStat.isDirectory()) {
        return { kind: 'blocked', at: segments.slice(0, index + 1).join('/') };
      }
    }
    return { kind: 'found', absolute: current, stat: currentStat };
  }

  /** A listed entry, or null for what the store does not serve: links leading out, sockets, FIFOs. */
  private async describeEntry(absolute: string, dirent: fs.Dirent): Promise<ArtifactEntry | null> {
    let stat: fs.Stats | null;
    if (dirent.isSymbolicLink()) {
      const real = await realpathOrNull(absolute);
      if (real === null || !this.isInside(real)) return null;
      stat = await statOrNull(real).catch(() => null);
    } else {
      stat = await lstatOrNull(absolute).catch(() => null);
    }
    if (stat?.isDirectory()) return { name: dirent.name, isDir: true };
    if (stat?.isFile()) return { name: dirent.name, isDir: false, fileSize: stat.size };
    return null;
  }

  /** Where the kernel says an open file is (Linux); refuses it when that is outside the root. */
  private async assertOpenedInside(handle: FileHandle): Promise<void> {
    const opened = await openedFilePath(handle);
    if (opened !== null && !this.isInside(opened)) throw new InvalidParameterError(INVALID_PATH_MESSAGE);
  }

  private isInside(real: string): boolean {
    const realRoot = this.realRoot as string;
    const prefix = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep;
    return real === realRoot || real.startsWith(prefix);
  }

  private async resolveRoot(): Promise<string> {
    if (this.realRoot === undefined) {
      await fsp.mkdir(this.root, { recursive: true });
      this.realRoot = await fsp.realpath(this.root);
    }
    return this.realRoot;
  }
}

/** Filesystem refusals caused by the path itself are the client's error; the rest stay internal. */
function mapFsError(error: unknown): unknown {
  if (isCode(error, 'ENAMETOOLONG') || isCode(error, 'ELOOP'))
    return new InvalidParameterError(INVALID_PATH_MESSAGE);
  if (isCode(error, 'EISDIR')) return new InvalidParameterError('Artifact path is a directory');
  if (isCode(error, 'ENOTDIR'))
    return new InvalidParameterError('Artifact path goes through a file, not a directory');
  return error;
}
