import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { InvalidParameterError, NotFoundError } from '../../src/errors/assay-error.js';
import { makeTempDir } from '../helpers/stores.js';
import { describeArtifactStoreConformance, put, readAll } from './support/artifact-store-conformance.js';
import { snapshotOutside } from './support/outside-snapshot.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describeArtifactStoreConformance('LocalArtifactStore', async () => {
  const dir = await makeTempDir('assay-store-');
  made.push(dir);
  return new LocalArtifactStore(path.join(dir, 'artifacts'));
});

/**
 * Symlinks can only come from someone with access to the disk (the API cannot make one), but a link
 * inside the root must never let a request read, write, list or delete outside it.
 */
describe('LocalArtifactStore confinement', () => {
  let dir: string;
  let root: string;
  let store: LocalArtifactStore;
  let before: Record<string, string>;

  beforeEach(async () => {
    dir = await makeTempDir('assay-store-');
    made.push(dir);
    root = path.join(dir, 'artifacts');
    await fs.mkdir(path.join(dir, 'outside'), { recursive: true });
    await fs.writeFile(path.join(dir, 'sentinel.txt'), 'sentinel');
    await fs.writeFile(path.join(dir, 'outside', 'secret.txt'), 'secret');
    await fs.mkdir(path.join(root, 'real', 'sub'), { recursive: true });
    await fs.writeFile(path.join(root, 'real', 'inside.txt'), 'inside');
    await fs.symlink(path.join(dir, 'outside'), path.join(root, 'escape-dir'));
    await fs.symlink(path.join(dir, 'sentinel.txt'), path.join(root, 'escape-file'));
    await fs.symlink('../outside', path.join(root, 'relative-escape'));
    await fs.symlink(path.join(dir, 'outside', 'new-dir'), path.join(root, 'dangling-out'));
    await fs.symlink(path.join(root, 'real'), path.join(root, 'alias'));
    await fs.symlink('loop', path.join(root, 'loop'));
    store = new LocalArtifactStore(root);
    before = await snapshotOutside(dir, root);
  });

  afterEach(async () => {
    expect(await snapshotOutside(dir, root)).toEqual(before);
  });

  it.each(['escape-file', 'escape-dir/secret.txt', 'relative-escape/secret.txt', 'loop', 'loop/x'])(
    'refuses to read %s',
    async (target) => {
      await expect(store.read(target)).rejects.toBeInstanceOf(InvalidParameterError);
    },
  );

  it.each([
    'escape-file',
    'escape-dir/new.txt',
    'escape-dir/secret.txt',
    'relative-escape/new.txt',
    'dangling-out',
    'dangling-out/x.txt',
    'loop/x',
  ])('refuses to write %s, creating nothing outside', async (target) => {
    await expect(put(store, target, 'PWNED')).rejects.toBeInstanceOf(InvalidParameterError);
  });

  it.each(['escape-dir', 'relative-escape', 'escape-dir/nested', 'loop'])(
    'refuses to list %s',
    async (target) => {
      await expect(store.list(target)).rejects.toBeInstanceOf(InvalidParameterError);
    },
  );

  it('does not show links that lead out of the root in listings', async () => {
    expect(await store.list('')).toEqual([
      { name: 'alias', isDir: true },
      { name: 'real', isDir: true },
    ]);
  });

  it.each(['escape-dir', 'escape-file', 'escape-dir/secret.txt', 'relative-escape', 'dangling-out', 'loop'])(
    'refuses to delete %s, leaving its target alone',
    async (target) => {
      await expect(store.delete(target)).rejects.toBeInstanceOf(InvalidParameterError);
    },
  );

  it('deletes a directory holding a link to the outside without following the link', async () => {
    await fs.mkdir(path.join(root, 'holder'));
    await fs.symlink(path.join(dir, 'outside'), path.join(root, 'holder', 'link'));
    await store.delete('holder');
    await expect(fs.lstat(path.join(root, 'holder'))).rejects.toThrow();
  });

  it('follows links that stay inside the root', async () => {
    expect((await readAll(store, 'alias/inside.txt')).toString()).toBe('inside');
    expect(await store.list('alias')).toEqual([
      { name: 'inside.txt', isDir: false, fileSize: 6 },
      { name: 'sub', isDir: true },
    ]);
    await put(store, 'alias/sub/written.txt', 'through alias');
    expect((await fs.readFile(path.join(root, 'real', 'sub', 'written.txt'))).toString()).toBe(
      'through alias',
    );
  });

  it('deletes an inside link itself, not what it points to', async () => {
    await store.delete('alias');
    expect(await store.list('')).toEqual([{ name: 'real', isDir: true }]);
    expect((await readAll(store, 'real/inside.txt')).toString()).toBe('inside');
  });

  it('serves neither FIFOs nor anything but files and directories, and does not hang on them', async () => {
    execFileSync('mkfifo', [path.join(root, 'real', 'pipe')]);
    await expect(store.read('real/pipe')).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.list('real')).map((entry) => entry.name)).toEqual(['inside.txt', 'sub']);
  });

  it('refuses a name too long for the filesystem as an invalid path', async () => {
    const long = 'x'.repeat(300);
    await expect(put(store, long, 'x')).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(store.read(long)).rejects.toBeInstanceOf(InvalidParameterError);
  });
});
