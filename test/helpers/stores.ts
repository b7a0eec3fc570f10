import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { createPostgresDatabase, postgres } from './postgres.js';

export interface StoreBackend {
  readonly label: 'sqlite' | 'postgres';
  readonly available: boolean;
  readonly reason: string;
  /** A fresh, empty metadata store and artifact directory. */
  create(): Promise<FreshStore>;
}

export interface FreshStore {
  readonly storeUri: string;
  readonly artifactsDir: string;
  readonly dir: string;
  cleanup(): Promise<void>;
}

export async function makeTempDir(prefix = 'assay-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

const sqlite: StoreBackend = {
  label: 'sqlite',
  available: true,
  reason: '',
  async create() {
    const dir = await makeTempDir();
    return {
      storeUri: `sqlite:${path.join(dir, 'assay.db')}`,
      artifactsDir: path.join(dir, 'artifacts'),
      dir,
      cleanup: () => fs.rm(dir, { recursive: true, force: true }),
    };
  },
};

const postgresBackend: StoreBackend = {
  label: 'postgres',
  available: postgres.available,
  reason: postgres.reason,
  async create() {
    const dir = await makeTempDir();
    const database = await createPostgresDatabase();
    return {
      storeUri: database.url,
      artifactsDir: path.join(dir, 'artifacts'),
      dir,
      cleanup: async () => {
        await database.drop();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  },
};

export const STORE_BACKENDS: readonly StoreBackend[] = [sqlite, postgresBackend];

/**
 * Declares `body` once per metadata store. Suites on an unavailable store are reported as skipped,
 * with the reason in their name.
 */
export function describeEachStore<T>(
  name: string,
  setup: (store: FreshStore) => Promise<T & { close(): Promise<void> }>,
  body: (get: () => T, backend: StoreBackend) => void,
): void {
  for (const backend of STORE_BACKENDS) {
    const title = backend.available
      ? `${name} [${backend.label}]`
      : `${name} [${backend.label}] (skipped: ${backend.reason})`;
    describe.skipIf(!backend.available)(title, () => {
      let fresh: FreshStore | undefined;
      let value: (T & { close(): Promise<void> }) | undefined;
      beforeAll(async () => {
        fresh = await backend.create();
        value = await setup(fresh);
      });
      afterAll(async () => {
        await value?.close();
        await fresh?.cleanup();
      });
      body(() => {
        if (!value) throw new Error('suite setup did not run');
        return value;
      }, backend);
    });
  }
}
