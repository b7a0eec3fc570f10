import type { ModelSpec } from '../runtime/model-spec.js';
import type { Executor } from './executor.js';

export interface ModelRuntimeRow {
  readonly name: string;
  readonly version: number;
  /** The model file, relative to the artifact root. */
  readonly artifactPath: string;
  readonly spec: ModelSpec;
  readonly creationTime: number;
}

/** MLflow's status for a version whose files did not load; READY is every other version's. */
export const FAILED_REGISTRATION = 'FAILED_REGISTRATION';

/**
 * SQL for `model_runtimes`: one row per model version Assay can run. Rows are keyed by model name
 * and version like the versions themselves, and follow them through renames and deletions (the
 * registry services call these in the same transaction).
 */
export class ModelRuntimeRepository {
  async insert(db: Executor, row: ModelRuntimeRow): Promise<void> {
    await db
      .insertInto('model_runtimes')
      .values({
        name: row.name,
        version: row.version,
        artifact_path: row.artifactPath,
        spec: JSON.stringify(row.spec),
        creation_time: row.creationTime,
      })
      .execute();
  }

  async find(db: Executor, name: string, version: number): Promise<ModelRuntimeRow | undefined> {
    if (!Number.isSafeInteger(version)) return undefined;
    const row = await db
      .selectFrom('model_runtimes')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  /** Every runnable version of the model, by version. */
  async forModel(db: Executor, name: string): Promise<ModelRuntimeRow[]> {
    const rows = await db
      .selectFrom('model_runtimes')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version')
      .execute();
    return rows.map(toRow);
  }

  async renameModel(db: Executor, from: string, to: string): Promise<void> {
    await db.updateTable('model_runtimes').set({ name: to }).where('name', '=', from).execute();
  }

  async deleteModel(db: Executor, name: string): Promise<void> {
    await db.deleteFrom('model_runtimes').where('name', '=', name).execute();
  }

  async deleteVersion(db: Executor, key: { name: string; version: number }): Promise<void> {
    await db
      .deleteFrom('model_runtimes')
      .where('name', '=', key.name)
      .where('version', '=', key.version)
      .execute();
  }
}

function toRow(row: {
  name: string;
  version: number;
  artifact_path: string;
  spec: string;
  creation_time: number;
}): ModelRuntimeRow {
  return {
    name: row.name,
    version: Number(row.version),
    artifactPath: row.artifact_path,
    spec: JSON.parse(row.spec) as ModelSpec,
    creationTime: Number(row.creation_time),
  };
}
