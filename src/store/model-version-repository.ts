import { sql, type SqlBool } from 'kysely';
import type { Stage, ModelVersionStatus } from '../registry/entities.js';
import type { FilterNode, OrderByClause } from '../search/filter-ast.js';
import type { KeyValue } from '../tracking/entities.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import { registryFilterSql } from './registry-filter-sql.js';
import type { ModelVersionsTable } from './schema.js';

export interface ModelVersionRow {
  readonly name: string;
  readonly version: number;
  readonly creationTime: number;
  readonly lastUpdatedTime: number;
  readonly description: string | null;
  readonly userId: string | null;
  readonly currentStage: Stage;
  readonly source: string;
  /** Where the files are: `source`, or what a `models:/name/N` source resolved to at creation. */
  readonly storageLocation: string | null;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string | null;
}

export interface VersionKey {
  readonly name: string;
  readonly version: number;
}

export interface ModelVersionSearchQuery {
  filter: FilterNode | null;
  /** Complete, tie-breakers included. */
  orderBy: readonly OrderByClause[];
  offset: number;
  limit: number;
}

type OrderColumn = 'mv.name' | 'mv.version' | 'mv.creation_time' | 'mv.last_updated_time';
const ORDER_COLUMNS: Record<string, OrderColumn> = {
  name: 'mv.name',
  version_number: 'mv.version',
  creation_timestamp: 'mv.creation_time',
  last_updated_timestamp: 'mv.last_updated_time',
};

const ATTRIBUTE_COLUMNS: Record<string, { column: string; numeric: boolean }> = {
  name: { column: 'mv.name', numeric: false },
  version_number: { column: 'mv.version', numeric: true },
  run_id: { column: 'mv.run_id', numeric: false },
  source_path: { column: 'mv.source', numeric: false },
};

// Bound parameters per statement stay far below SQLite's and PostgreSQL's limits.
const CHUNK = 400;

/** SQL for model versions and their tags. Versions are deleted outright: numbers are never reissued anyway. */
export class ModelVersionRepository {
  constructor(private readonly dialect: Dialect) {}

  async insert(db: Executor, row: ModelVersionRow, tags: readonly KeyValue[]): Promise<void> {
    await db
      .insertInto('model_versions')
      .values({
        name: row.name,
        version: row.version,
        creation_time: row.creationTime,
        last_updated_time: row.lastUpdatedTime,
        description: row.description,
        user_id: row.userId,
        current_stage: row.currentStage,
        source: row.source,
        storage_location: row.storageLocation,
        run_id: row.runId,
        run_link: row.runLink,
        status: row.status,
        status_message: row.statusMessage,
      })
      .execute();
    if (tags.length > 0) {
      await db
        .insertInto('model_version_tags')
        .values(tags.map((tag) => ({ name: row.name, version: row.version, key: tag.key, value: tag.value })))
        .execute();
    }
  }

  async find(db: Executor, name: string, version: number): Promise<ModelVersionRow | undefined> {
    if (!Number.isSafeInteger(version)) return undefined;
    const row = await db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  /** Versions of the model currently in `stage`, except `except`. */
  async versionsInStage(db: Executor, name: string, stage: Stage, except: number): Promise<number[]> {
    const rows = await db
      .selectFrom('model_versions')
      .select('version')
      .where('name', '=', name)
      .where('current_stage', '=', stage)
      .where('version', '<>', except)
      .orderBy('version')
      .execute();
    return rows.map((row) => Number(row.version));
  }

  async setStage(
    db: Executor,
    name: string,
    versions: readonly number[],
    stage: Stage,
    now: number,
  ): Promise<void> {
    if (versions.length === 0) return;
    await db
      .updateTable('model_versions')
      .set({ current_stage: stage, last_updated_time: now })
      .where('name', '=', name)
      .where('version', 'in', [...versions])
      .execute();
  }

  async updateDescription(
    db: Executor,
    key: VersionKey,
    description: string | null,
    now: number,
  ): Promise<void> {
    await db
      .updateTable('model_versions')
      .set({ description, last_updated_time: now })
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
  }

  async delete(db: Executor, key: VersionKey): Promise<void> {
    await db
      .deleteFrom('model_version_tags')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
    await db
      .deleteFrom('model_versions')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
  }

  /** Moves every version (and its tags) to the model's new name; renaming touches each version. */
  async renameModel(db: Executor, from: string, to: string, now: number): Promise<void> {
    await db
      .updateTable('model_versions')
      .set({ name: to, last_updated_time: now })
      .where('name', '=', from)
      .execute();
    await db.updateTable('model_version_tags').set({ name: to }).where('name', '=', from).execute();
  }

  async deleteModel(db: Executor, name: string): Promise<void> {
    await db.deleteFrom('model_version_tags').where('name', '=', name).execute();
    await db.deleteFrom('model_versions').where('name', '=', name).execute();
  }

  async upsertTag(db: Executor, key: VersionKey, tag: KeyValue): Promise<void> {
    await db
      .insertInto('model_version_tags')
      .values({ name: key.name, version: key.version, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteTag(db: Executor, key: VersionKey, tagKey: string): Promise<void> {
    await db
      .deleteFrom('model_version_tags')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .where('key', '=', tagKey)
      .execute();
  }

  /** Tags by `versionKeyString`, each version's in key order. */
  async tags(db: Executor, keys: readonly VersionKey[]): Promise<Map<string, KeyValue[]>> {
    const byVersion = new Map<string, KeyValue[]>();
    for (let start = 0; start < keys.length; start += CHUNK) {
      const chunk = keys.slice(start, start + CHUNK);
      const rows = await db
        .selectFrom('model_version_tags')
        .selectAll()
        .where((eb) =>
          eb(
            eb.refTuple('name', 'version'),
            'in',
            chunk.map((key) => eb.tuple(key.name, key.version)),
          ),
        )
        .orderBy('name')
        .orderBy('version')
        .orderBy('key')
        .execute();
      for (const row of rows) {
        const id = versionKeyString({ name: row.name, version: Number(row.version) });
        const list = byVersion.get(id) ?? [];
        list.push({ key: row.key, value: row.value });
        byVersion.set(id, list);
      }
    }
    return byVersion;
  }

  /**
   * Per model, the highest version in each stage present, stages ordered as MLflow's SQL store
   * meets them walking the versions in order (by the lowest version in each stage).
   */
  async latestPerStage(db: Executor, names: readonly string[]): Promise<Map<string, ModelVersionRow[]>> {
    const byName = new Map<string, ModelVersionRow[]>();
    for (let start = 0; start < names.length; start += CHUNK) {
      const chunk = names.slice(start, start + CHUNK);
      const rows = await db
        .selectFrom('model_versions as mv')
        .innerJoin(
          (eb) =>
            eb
              .selectFrom('model_versions')
              .select((inner) => [
                'name',
                'current_stage',
                inner.fn.max('version').as('latest'),
                inner.fn.min('version').as('first_version'),
              ])
              .where('name', 'in', chunk)
              .groupBy(['name', 'current_stage'])
              .as('l'),
          (join) => join.onRef('mv.name', '=', 'l.name').onRef('mv.version', '=', 'l.latest'),
        )
        .selectAll('mv')
        .orderBy('mv.name')
        .orderBy('l.first_version')
        .execute();
      for (const row of rows) {
        const list = byName.get(row.name) ?? [];
        list.push(toRow(row));
        byName.set(row.name, list);
      }
    }
    return byName;
  }

  /** Every version of one model, oldest first. */
  async forModel(db: Executor, name: string): Promise<ModelVersionRow[]> {
    const rows = await db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'asc')
      .execute();
    return rows.map(toRow);
  }

  async search(db: Executor, query: ModelVersionSearchQuery): Promise<ModelVersionRow[]> {
    let select = db.selectFrom('model_versions as mv').selectAll('mv');
    if (query.filter) {
      const condition = registryFilterSql(this.dialect, query.filter, {
        attribute: (key) => {
          const target = ATTRIBUTE_COLUMNS[key];
          if (!target) throw new Error(`model-versions filter: no column for attribute '${key}'`);
          return { column: sql.ref(target.column), numeric: target.numeric };
        },
        tagExists: (key, conditions) =>
          sql<SqlBool>`exists (select 1 from model_version_tags t where t.name = mv.name and t.version = mv.version and t.key = ${key} and ${sql.join(
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

export function versionKeyString(key: VersionKey): string {
  return `${key.version}\u0000${key.name}`;
}

function toRow(row: ModelVersionsTable): ModelVersionRow {
  return {
    name: row.name,
    version: Number(row.version),
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    description: row.description,
    userId: row.user_id,
    currentStage: row.current_stage as Stage,
    source: row.source,
    storageLocation: row.storage_location,
    runId: row.run_id,
    runLink: row.run_link,
    status: row.status as ModelVersionStatus,
    statusMessage: row.status_message,
  };
}
