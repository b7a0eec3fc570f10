import path from 'node:path';
import fs from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { GroupCommit } from '../../src/store/group-commit.js';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { makeTempDir } from '../helpers/stores.js';

async function freshSqlite() {
  const dir = await makeTempDir();
  const file = path.join(dir, 'store.db');
  const database = openDatabase(`sqlite:${file}`);
  await migrateToLatest(database);
  return { database, file };
}

const tagRow = (key: string) => ({ run_uuid: 'r', key, value: 'v' });

describe('SQLite group commit', () => {
  it('commits concurrent writes together; a failing write rolls back alone and rejects', async () => {
    const { database } = await freshSqlite();
    let commits = 0;
    const groups = new GroupCommit(database.db, () => (commits += 1));
    const writes = Array.from({ length: 20 }, (_, index) =>
      groups.run(async (trx) => {
        await trx
          .insertInto('tags')
          .values(tagRow(`k${index}`))
          .execute();
        if (index === 7) throw new Error('refused');
        return index;
      }),
    );
    const results = await Promise.allSettled(writes);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(19);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: new Error('refused') });
    const keys = (await database.db.selectFrom('tags').select('key').execute()).map((row) => row.key);
    expect(keys).toHaveLength(19);
    expect(keys).not.toContain('k7');
    // Writes that arrive together share commits.
    expect(commits).toBeLessThan(20);
    expect(commits).toBeGreaterThan(0);
    await database.close();
  });

  it('fails every write of a group whose commit fails', async () => {
    const { database } = await freshSqlite();
    const groups = new GroupCommit(database.db, () => undefined);
    await groups.run((trx) => trx.insertInto('tags').values(tagRow('first')).execute());
    // A deferred constraint is checked at COMMIT: when the commit fails, nothing of its group is durable.
    await sql`create table parent (id integer primary key)`.execute(database.db);
    await sql`create table child (parent_id integer references parent(id) deferrable initially deferred)`.execute(
      database.db,
    );
    const bad = groups.run((trx) => sql`insert into child values (42)`.execute(trx));
    const innocent = groups.run((trx) => trx.insertInto('tags').values(tagRow('innocent')).execute());
    await expect(bad).rejects.toThrow(/FOREIGN KEY/);
    await expect(innocent).rejects.toThrow(/FOREIGN KEY/);
    const keys = (await database.db.selectFrom('tags').select('key').execute()).map((row) => row.key);
    expect(keys).toEqual(['first']);
    await database.close();
  });

  it('moves committed pages from the WAL into the database file in the background', async () => {
    const { database, file } = await freshSqlite();
    const before = fs.statSync(file).size;
    const value = 'x'.repeat(4000);
    for (let batch = 0; batch < 10; batch += 1) {
      await database.write((trx) =>
        trx
          .insertInto('params')
          .values(Array.from({ length: 50 }, (_, i) => ({ run_uuid: `r${batch}`, key: `k${i}`, value })))
          .execute(),
      );
    }
    expect(fs.statSync(file).size).toBe(before);
    const deadline = Date.now() + 5000;
    while (fs.statSync(file).size < before + 1_000_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fs.statSync(file).size).toBeGreaterThan(before + 1_000_000);
    await database.close();
  });

  it('reports a checkpoint worker that dies, and closes without waiting for it', async () => {
    const dir = await makeTempDir();
    // A directory is no database: the worker fails as it starts.
    let lost = 0;
    const checkpointer = new SqliteCheckpointer(dir, () => (lost += 1));
    const deadline = Date.now() + 5000;
    while (lost === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lost).toBe(1);
    await checkpointer.close();
    expect(lost).toBe(1);
  });
});
