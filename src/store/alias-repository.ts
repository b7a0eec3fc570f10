import type { ModelAlias } from '../registry/entities.js';
import type { Executor } from './executor.js';

/** SQL for registered model aliases: (model name, alias) -> version. */
export class AliasRepository {
  async find(db: Executor, name: string, alias: string): Promise<number | undefined> {
    const row = await db
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst();
    return row ? Number(row.version) : undefined;
  }

  async upsert(db: Executor, name: string, alias: string, version: number): Promise<void> {
    await db
      .insertInto('registered_model_aliases')
      .values({ name, alias, version })
      .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version }))
      .execute();
  }

  async delete(db: Executor, name: string, alias: string): Promise<void> {
    await db
      .deleteFrom('registered_model_aliases')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .execute();
  }

  /** Removes the aliases pointing at one version; returns their names. */
  async deleteForVersion(db: Executor, name: string, version: number): Promise<string[]> {
    const removed = await this.forVersion(db, name, version);
    if (removed.length > 0) {
      await db
        .deleteFrom('registered_model_aliases')
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();
    }
    return removed;
  }

  /** Alias names pointing at the version, in name order. */
  async forVersion(db: Executor, name: string, version: number): Promise<string[]> {
    const rows = await db
      .selectFrom('registered_model_aliases')
      .select('alias')
      .where('name', '=', name)
      .where('version', '=', version)
      .orderBy('alias')
      .execute();
    return rows.map((row) => row.alias);
  }

  /** Each model's aliases, in alias order. */
  async forModels(db: Executor, names: readonly string[]): Promise<Map<string, ModelAlias[]>> {
    const byName = new Map<string, ModelAlias[]>();
    if (names.length === 0) return byName;
    const rows = await db
      .selectFrom('registered_model_aliases')
      .selectAll()
      .where('name', 'in', [...names])
      .orderBy('name')
      .orderBy('alias')
      .execute();
    for (const row of rows) {
      const list = byName.get(row.name) ?? [];
      list.push({ alias: row.alias, version: Number(row.version) });
      byName.set(row.name, list);
    }
    return byName;
  }

  async renameModel(db: Executor, from: string, to: string): Promise<void> {
    await db.updateTable('registered_model_aliases').set({ name: to }).where('name', '=', from).execute();
  }

  async deleteModel(db: Executor, name: string): Promise<ModelAlias[]> {
    const aliases = (await this.forModels(db, [name])).get(name) ?? [];
    await db.deleteFrom('registered_model_aliases').where('name', '=', name).execute();
    return aliases;
  }
}
