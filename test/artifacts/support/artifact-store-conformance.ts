import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../../src/artifacts/artifact-store.js';
import {
  InvalidParameterError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../../src/errors/assay-error.js';

const NO_LIMIT = { maxBytes: Number.MAX_SAFE_INTEGER };

export async function readAll(store: ArtifactStore, path: string): Promise<Buffer> {
  return buffer((await store.read(path)).stream);
}

export function put(
  store: ArtifactStore,
  path: string,
  content: string | Buffer,
  maxBytes = NO_LIMIT.maxBytes,
): Promise<{ bytes: number }> {
  return store.write(path, Readable.from([Buffer.from(content)]), { maxBytes });
}

/**
 * What every ArtifactStore must do, whatever holds the bytes. `create` gives an empty store; each test
 * gets its own.
 */
export function describeArtifactStoreConformance(name: string, create: () => Promise<ArtifactStore>): void {
  describe(`ArtifactStore conformance: ${name}`, () => {
    let store: ArtifactStore;
    beforeEach(async () => {
      store = await create();
    });

    it('writes and reads back byte for byte, with the size', async () => {
      const content = randomBytes(200_000);
      expect(await put(store, 'exp/run/artifacts/model.bin', content)).toEqual({ bytes: content.length });
      const stored = await store.read('exp/run/artifacts/model.bin');
      expect(stored.size).toBe(content.length);
      expect((await buffer(stored.stream)).equals(content)).toBe(true);
    });

    it('writes an empty body as an empty file', async () => {
      await put(store, 'empty.txt', '');
      expect((await readAll(store, 'empty.txt')).length).toBe(0);
      expect(await store.list('')).toEqual([{ name: 'empty.txt', isDir: false, fileSize: 0 }]);
    });

    it('replaces an existing file', async () => {
      await put(store, 'a/b.txt', 'first version, longer');
      await put(store, 'a/b.txt', 'second');
      expect((await readAll(store, 'a/b.txt')).toString()).toBe('second');
    });

    it('refuses an upload over the limit, leaving no file and keeping the previous one', async () => {
      await expect(put(store, 'big.bin', Buffer.alloc(1025), 1024)).rejects.toBeInstanceOf(
        PayloadTooLargeError,
      );
      expect(await store.list('')).toEqual([]);
      await put(store, 'kept.txt', 'old');
      await expect(put(store, 'kept.txt', Buffer.alloc(2000), 1024)).rejects.toBeInstanceOf(
        PayloadTooLargeError,
      );
      expect((await readAll(store, 'kept.txt')).toString()).toBe('old');
      expect(await store.list('')).toEqual([{ name: 'kept.txt', isDir: false, fileSize: 3 }]);
    });

    it('accepts an upload of exactly the limit', async () => {
      await put(store, 'exact.bin', Buffer.alloc(1024, 7), 1024);
      expect((await store.read('exact.bin')).size).toBe(1024);
    });

    it('leaves no file when the body fails midway', async () => {
      const body = new PassThrough();
      const writing = store.write('broken.bin', body, NO_LIMIT);
      body.write(Buffer.alloc(64 * 1024));
      setTimeout(() => body.destroy(new Error('connection reset')), 20);
      await expect(writing).rejects.toThrow('connection reset');
      expect(await store.list('')).toEqual([]);
    });

    it('does not list an upload still in progress', async () => {
      const body = new PassThrough();
      const writing = store.write('dir/slow.bin', body, NO_LIMIT);
      body.write(Buffer.alloc(1000));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.list('dir')).toEqual([]);
      body.end();
      await writing;
      expect(await store.list('dir')).toEqual([{ name: 'slow.bin', isDir: false, fileSize: 1000 }]);
    });

    it('keeps one whole version when the same path is written concurrently', async () => {
      const versions = [Buffer.alloc(300_000, 1), Buffer.alloc(300_000, 2), Buffer.alloc(300_000, 3)];
      await Promise.all(versions.map((content) => put(store, 'same.bin', content)));
      const stored = await readAll(store, 'same.bin');
      expect(versions.some((version) => version.equals(stored))).toBe(true);
      expect(await store.list('')).toEqual([{ name: 'same.bin', isDir: false, fileSize: 300_000 }]);
    });

    it('refuses to write the root, over a directory, or below a file', async () => {
      await put(store, 'dir/file.txt', 'x');
      await expect(put(store, '', 'x')).rejects.toBeInstanceOf(InvalidParameterError);
      await expect(put(store, 'dir', 'x')).rejects.toBeInstanceOf(InvalidParameterError);
      await expect(put(store, 'dir/file.txt/below.txt', 'x')).rejects.toBeInstanceOf(InvalidParameterError);
      expect((await readAll(store, 'dir/file.txt')).toString()).toBe('x');
    });

    it('reads: missing is NotFound, a directory is InvalidParameter', async () => {
      await put(store, 'dir/file.txt', 'x');
      await expect(store.read('missing.txt')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.read('nodir/missing.txt')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.read('dir/file.txt/below')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.read('dir')).rejects.toBeInstanceOf(InvalidParameterError);
      await expect(store.read('')).rejects.toBeInstanceOf(InvalidParameterError);
    });

    it('lists direct children sorted by code point, sizes for files only', async () => {
      await put(store, 'd/b.txt', 'bb');
      await put(store, 'd/a.txt', 'a');
      await put(store, 'd/Z.txt', 'zzz');
      await put(store, 'd/sub/deep.txt', 'deep');
      await put(store, 'd/\u00e9t\u00e9.txt', 'e');
      await put(store, 'd/\u{1f600}.txt', 'smile');
      await put(store, 'd/\uff41.txt', 'fullwidth');
      expect(await store.list('d')).toEqual([
        { name: 'Z.txt', isDir: false, fileSize: 3 },
        { name: 'a.txt', isDir: false, fileSize: 1 },
        { name: 'b.txt', isDir: false, fileSize: 2 },
        { name: 'sub', isDir: true },
        { name: '\u00e9t\u00e9.txt', isDir: false, fileSize: 1 },
        { name: '\uff41.txt', isDir: false, fileSize: 9 },
        { name: '\u{1f600}.txt', isDir: false, fileSize: 5 },
      ]);
      expect(await store.list('')).toEqual([{ name: 'd', isDir: true }]);
    });

    it('lists a missing directory and a file as empty', async () => {
      await put(store, 'd/a.txt', 'a');
      expect(await store.list('missing')).toEqual([]);
      expect(await store.list('d/a.txt')).toEqual([]);
      expect(await store.list('d/a.txt/below')).toEqual([]);
    });

    it('deletes a file, a tree, and nothing quietly; never the root', async () => {
      await put(store, 'keep.txt', 'k');
      await put(store, 'tree/a.txt', 'a');
      await put(store, 'tree/sub/b.txt', 'b');
      await put(store, 'file.txt', 'f');
      await store.delete('file.txt');
      await store.delete('tree');
      await store.delete('missing/thing');
      await store.delete('keep.txt/below');
      expect(await store.list('')).toEqual([{ name: 'keep.txt', isDir: false, fileSize: 1 }]);
      await expect(store.delete('')).rejects.toBeInstanceOf(InvalidParameterError);
    });

    it('streams a large file without changing a byte', async () => {
      const chunk = randomBytes(1024 * 1024);
      const upload = createHash('sha256');
      const body = Readable.from(
        (function* () {
          for (let index = 0; index < 20; index += 1) {
            upload.update(chunk);
            yield chunk;
          }
        })(),
      );
      await store.write('large.bin', body, NO_LIMIT);
      const download = createHash('sha256');
      for await (const part of (await store.read('large.bin')).stream) download.update(part as Buffer);
      expect(download.digest('hex')).toBe(upload.digest('hex'));
    });
  });
}
