import { sql, type SqlBool } from 'kysely';
import type { FilterNode, OrderByClause } from '../search/filter-ast.js';
import type { KeyValue } from '../tracking/entities.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import { registryFilterSql } from './registry-filter-sql.js';

export interface RegisteredModelRow {
  readonly name: string;
  readonly creationTime: number;
  readonly lastUpdatedTime: number;
  readonly description: string | null;
}

export interface RegisteredModelSearchQuery {
  filter: FilterNode | null;
  /** Complete, tie-breakers included. */
  orderBy: readonly OrderByClause[];
  offset: number;
  limit: number;
}

const ORDER_COLUMNS: Record<string, 'rm.name' | 'rm.last_updated_time' | 'rm.creation_time'> = {
  name: 'rm.name',
  last_updated_timestamp: 'rm.last_updated_time',
  creation_timestamp: 'rm.creation_time',
};

/** SQL for registered models and their tags. Every registry table is keyed by the model's name. */
export class RegisteredModelRepository {
  constructor(private readonly dialect: Dialect) {}

  /** Throws the driver's unique violation when the name is taken. */
  async insert(db: Executor, model: RegisteredModelRow, tags: readonly KeyValue[]): Promise<void> {
    await db
      .insertInto('registered_models')
      .values({
        name: model.name,
        creation_time: model.creationTime,
        last_updated_time: model.lastUpdatedTime,
        description: model.description,
        max_version: 0,
      })
      .execute();
    if (tags.length > 0) {
      await db
        .insertInto('registered_model_tags')
        .values(tags.map((tag) => ({ name: model.name, key: tag.key, value: tag.value })))
        .execute();
    }
  }

  async find(db: Executor, name: string): Promise<RegisteredModelRow | undefined> {
    const row = await db
      .selectFrom('registered_models')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  /**
   * Reads the model and, on PostgreSQL, locks its row until the transaction ends: every change to
   * a model and its versions, tags and aliases takes this lock first, so concurrent changes to one
   * model apply one after the other (SQLite transactions are serialised already).
   */
  async lock(db: Executor, name: string): Promise<RegisteredModelRow | undefined> {
    let select = db.selectFrom('registered_models').selectAll().where('name', '=', name);
    if (this.dialect === 'postgres') select = select.forUpdate();
    const row = await select.executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  /**
   * Issues the model's next version number: one past the highest ever issued, so numbers are never
   * reused. The increment is a single UPDATE, atomic under concurrent creates on both databases.
   */
  async issueVersion(db: Executor, name: string, now: number): Promise<number | undefined> {
    const row = await db
      .updateTable('registered_models')
      .set((eb) => ({ max_version: eb('max_version', '+', 1), last_updated_time: now }))
      .where('name', '=', name)
      .returning('max_version')
      .executeTakeFirst();
    return row ? Number(row.max_version) : undefined;
  }

  async touch(db: Executor, name: string, now: number): Promise<void> {
    await db
      .updateTable('registered_models')
      .set({ last_updated_time: now })
      .where('name', '=', name)
      .execute();
  }

  async updateDescription(
    db: Executor,
    name: string,
    description: string | null,
    now: number,
  ): Promise<void> {
    await db
      .updateTable('registered_models')
      .set({ description, last_updated_time: now })
      .where('name', '=', name)
      .execute();
  }

  /** Renames the model row and its tags; throws the driver's unique violation when `to` is taken. */
  async rename(db: Executor, from: string, to: string, now: number): Promise<void> {
    await db
      .updateTable('registered_models')
      .set({ name: to, last_updated_time: now })
      .where('name', '=', from)
      .execute();
    await db.updateTable('registered_model_tags').set({ name: to }).where('name', '=', from).execute();
  }

  async delete(db: Executor, name: string): Promise<void> {
    await db.deleteFrom('registered_model_tags').where('name', '=', name).execute();
    await db.deleteFrom('registered_models').where('name', '=', name).execute();
  }

  async upsertTag(db: Executor, name: string, tag: KeyValue): Promise<void> {
    await db
      .insertInto('registered_model_tags')
      .values({ name, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteTag(db: Executor, name: string, key: string): Promise<void> {
    await db.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).execute();
  }

  /** Tags by model name, each model's in key order. */
  async tags(db: Executor, names: readonly string[]): Promise<Map<string, KeyValue[]>> {
    const byName = new Map<string, KeyValue[]>();
    if (names.length === 0) return byName;
    const rows = await db
      .selectFrom('registered_model_tags')
      .selectAll()
      .where('name', 'in', [...names])
      .orderBy('name')
      .orderBy('key')
      .execute();
    for (const row of rows) {
      const list = byName.get(row.name) ?? [];
      list.push({ key: row.key, value: row.value });
      byName.set(row.name, list);
    }
    return byName;
  }

  async search(db: Executor, query: RegisteredModelSearchQuery): Promise<RegisteredModelRow[]> {
    let select = db.selectFrom('registered_models as rm').selectAll('rm');
    if (query.filter) {
      const condition = registryFilterSql(this.dialect, query.filter, {
        attribute: () => ({ column: sql.ref('rm.name'), numeric: false }),
        tagExists: (key, conditions) =>
          sql<SqlBool>`exists (select 1 from registered_model_tags t where t.name = rm.name and t.key = ${key} and ${sql.join(
            conditions(sql.ref('t.value')),
            sql` and `,
          )})`,
      });
      select = select.where(condition);
    }
    for (const clause of query.orderBy) {
      const column = ORDER_COLUMNS[clause.key];
      if (column) select = select.orderBy(column, clause.ascending ? 'asc' : 'desc');
    }
    const rows = await select.limit(query.limit).offset(query.offset).execute();
    return rows.map(toRow);
  }
}

function toRow(row: {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
}): RegisteredModelRow {
  return {
    name: row.name,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    description: row.description,
  };
}
