import type { Executor } from './executor.js';
import type { ContractChecksTable, ContractsTable } from './schema.js';

export type ContractRow = ContractsTable;
export type CheckRow = Omit<ContractChecksTable, 'id'> & { id: number };

/** SQL for model contracts (versioned, append-only) and the checks made against them. */
export class ContractRepository {
  /** Adds the next version of the model's contract; the version number is taken in the same write. */
  async insert(db: Executor, row: Omit<ContractRow, 'version'>): Promise<number> {
    // Only the number: the latest row's source and definition are not needed here.
    const latest = await db
      .selectFrom('contracts')
      .select('version')
      .where('name', '=', row.name)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    const version = Number(latest?.version ?? 0) + 1;
    await db
      .insertInto('contracts')
      .values({ ...row, version })
      .execute();
    return version;
  }

  async latest(db: Executor, name: string): Promise<ContractRow | undefined> {
    const row = await db
      .selectFrom('contracts')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row
      ? { ...row, version: Number(row.version), creation_time: Number(row.creation_time) }
      : undefined;
  }

  async insertCheck(db: Executor, row: Omit<CheckRow, 'id'>): Promise<void> {
    await db.insertInto('contract_checks').values(row).execute();
  }

  /** The most recent check of a model version (against any contract version). */
  async latestCheck(db: Executor, name: string, version: number): Promise<CheckRow | undefined> {
    const row = await db
      .selectFrom('contract_checks')
      .selectAll()
      .where('model_name', '=', name)
      .where('model_version', '=', version)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? normalizeCheck(row) : undefined;
  }

  /** The most recent check of each checked version of the model. */
  async latestChecks(db: Executor, name: string): Promise<CheckRow[]> {
    const rows = await db
      .selectFrom('contract_checks')
      .selectAll()
      .where('model_name', '=', name)
      .orderBy('id', 'asc')
      .execute();
    const latest = new Map<number, CheckRow>();
    for (const row of rows) latest.set(Number(row.model_version), normalizeCheck(row));
    return [...latest.values()];
  }

  async renameModel(db: Executor, from: string, to: string): Promise<void> {
    await db.updateTable('contracts').set({ name: to }).where('name', '=', from).execute();
    await db.updateTable('contract_checks').set({ model_name: to }).where('model_name', '=', from).execute();
  }

  async deleteModel(db: Executor, name: string): Promise<void> {
    await db.deleteFrom('contract_checks').where('model_name', '=', name).execute();
    await db.deleteFrom('contracts').where('name', '=', name).execute();
  }

  async deleteVersion(db: Executor, name: string, version: number): Promise<void> {
    await db
      .deleteFrom('contract_checks')
      .where('model_name', '=', name)
      .where('model_version', '=', version)
      .execute();
  }
}

function normalizeCheck(row: CheckRow | (Omit<CheckRow, 'id'> & { id: unknown })): CheckRow {
  return {
    ...row,
    id: Number(row.id),
    model_version: Number(row.model_version),
    contract_version: Number(row.contract_version),
    creation_time: Number(row.creation_time),
  };
}
