import type { Executor } from './executor.js';
import type { EvaluationsTable } from './schema.js';

export type EvaluationRow = EvaluationsTable;

export interface EvaluationIdentity {
  readonly modelName: string;
  readonly modelVersion: number;
  readonly datasetName: string;
  readonly datasetVersion: number;
  /** '' when there is no row filter. */
  readonly where: string;
}

/** SQL for stored evaluations (written once; the same identity is never evaluated twice). */
export class EvaluationRepository {
  async insert(db: Executor, row: EvaluationRow): Promise<void> {
    await db.insertInto('evaluations').values(row).execute();
  }

  async findByIdentity(db: Executor, identity: EvaluationIdentity): Promise<EvaluationRow | undefined> {
    const row = await db
      .selectFrom('evaluations')
      .selectAll()
      .where('model_name', '=', identity.modelName)
      .where('model_version', '=', identity.modelVersion)
      .where('dataset_name', '=', identity.datasetName)
      .where('dataset_version', '=', identity.datasetVersion)
      .where('where_expr', '=', identity.where)
      .executeTakeFirst();
    return row ? normalize(row) : undefined;
  }

  async findById(db: Executor, id: string): Promise<EvaluationRow | undefined> {
    const row = await db.selectFrom('evaluations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? normalize(row) : undefined;
  }

  async list(
    db: Executor,
    filter: { modelName?: string; modelVersion?: number; datasetName?: string },
  ): Promise<EvaluationRow[]> {
    let query = db.selectFrom('evaluations').selectAll();
    if (filter.modelName !== undefined) query = query.where('model_name', '=', filter.modelName);
    if (filter.modelVersion !== undefined) query = query.where('model_version', '=', filter.modelVersion);
    if (filter.datasetName !== undefined) query = query.where('dataset_name', '=', filter.datasetName);
    const rows = await query.orderBy('creation_time', 'desc').execute();
    return rows.map(normalize);
  }

  /** Evaluations follow their model's renames; the stored outputs do not name the model. */
  async renameModel(db: Executor, from: string, to: string): Promise<void> {
    await db.updateTable('evaluations').set({ model_name: to }).where('model_name', '=', from).execute();
  }

  /** Removes the evaluations of a model (or one version) and returns their outputs' paths. */
  async deleteForModel(db: Executor, name: string, version?: number): Promise<string[]> {
    let select = db.selectFrom('evaluations').select('outputs_path').where('model_name', '=', name);
    let remove = db.deleteFrom('evaluations').where('model_name', '=', name);
    if (version !== undefined) {
      select = select.where('model_version', '=', version);
      remove = remove.where('model_version', '=', version);
    }
    const paths = (await select.execute()).map((row) => row.outputs_path);
    await remove.execute();
    return paths;
  }
}

function normalize(row: EvaluationRow): EvaluationRow {
  return {
    ...row,
    model_version: Number(row.model_version),
    dataset_version: Number(row.dataset_version),
    creation_time: Number(row.creation_time),
    row_count: Number(row.row_count),
    class_count: row.class_count === null ? null : Number(row.class_count),
  };
}
