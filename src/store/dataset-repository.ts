import type {
  DatasetSummary,
  DatasetVersionInfo,
  SliceDefinition,
  SourceFormat,
} from '../datasets/dataset-entities.js';
import type { DatasetSchema } from '../datasets/dataset-table.js';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';
import type { AssayDatasetVersionsTable } from './schema.js';

/**
 * SQL for Assay's datasets (assay_datasets: one row per name, with the highest version issued;
 * assay_dataset_versions: one immutable row per version).
 *
 * The schema has no column for a version's description: until one is added, it is kept in the
 * `schema` JSON document beside the columns (`{"columns": [...], "description": "..."}`), read and
 * written only here.
 */
export class DatasetRepository {
  constructor(private readonly dialect: Dialect) {}

  /** Creates the dataset's row if it has none; then locks it (PostgreSQL) until the transaction ends. */
  async ensureDataset(db: Executor, name: string, now: number): Promise<void> {
    await db
      .insertInto('assay_datasets')
      .values({ name, creation_time: now, last_updated_time: now, max_version: 0 })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    if (this.dialect === 'postgres') {
      await db.selectFrom('assay_datasets').select('name').where('name', '=', name).forUpdate().execute();
    }
  }

  /** The next version number: one past the highest ever issued, in one atomic UPDATE. */
  async issueVersion(db: Executor, name: string, now: number): Promise<number> {
    const row = await db
      .updateTable('assay_datasets')
      .set((eb) => ({ max_version: eb('max_version', '+', 1), last_updated_time: now }))
      .where('name', '=', name)
      .returning('max_version')
      .executeTakeFirstOrThrow();
    return Number(row.max_version);
  }

  /** Throws the driver's unique violation when the name already has a version with this digest. */
  async insertVersion(db: Executor, version: DatasetVersionInfo): Promise<void> {
    await db
      .insertInto('assay_dataset_versions')
      .values({
        name: version.name,
        version: version.version,
        digest: version.digest,
        content_digest: version.contentDigest,
        creation_time: version.createdAt,
        source_format: version.sourceFormat,
        row_count: version.rowCount,
        schema: JSON.stringify({ columns: version.schema.columns, description: version.description }),
        label_column: version.labelColumn,
        id_column: version.idColumn,
        slices: JSON.stringify(version.slices),
        artifact_path: version.artifactPath,
      })
      .execute();
  }

  async findByDigest(db: Executor, name: string, digest: string): Promise<DatasetVersionInfo | undefined> {
    const row = await db
      .selectFrom('assay_dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return row ? toVersion(row) : undefined;
  }

  async findVersion(db: Executor, name: string, version: number): Promise<DatasetVersionInfo | undefined> {
    const row = await db
      .selectFrom('assay_dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toVersion(row) : undefined;
  }

  async findLatest(db: Executor, name: string): Promise<DatasetVersionInfo | undefined> {
    const row = await db
      .selectFrom('assay_dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toVersion(row) : undefined;
  }

  /** One version of any dataset per stored file made from these source bytes (one per format read). */
  async findByContent(db: Executor, contentDigest: string): Promise<DatasetVersionInfo[]> {
    const rows = await db
      .selectFrom('assay_dataset_versions')
      .selectAll()
      .where('content_digest', '=', contentDigest)
      .orderBy('creation_time')
      .execute();
    const byPath = new Map<string, DatasetVersionInfo>();
    for (const row of rows) if (!byPath.has(row.artifact_path)) byPath.set(row.artifact_path, toVersion(row));
    return [...byPath.values()];
  }

  /** Oldest first. */
  async listVersions(db: Executor, name: string): Promise<DatasetVersionInfo[]> {
    const rows = await db
      .selectFrom('assay_dataset_versions')
      .selectAll()
      .where('name', '=', name)
      .orderBy('version')
      .execute();
    return rows.map(toVersion);
  }

  /** Every version of every dataset, by name, oldest first: a listing in one query, not one per dataset. */
  async listAllVersions(db: Executor): Promise<DatasetVersionInfo[]> {
    const rows = await db
      .selectFrom('assay_dataset_versions')
      .selectAll()
      .orderBy('name')
      .orderBy('version')
      .execute();
    return rows.map(toVersion);
  }

  async findDataset(db: Executor, name: string): Promise<DatasetSummary | undefined> {
    const row = await db.selectFrom('assay_datasets').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toSummary(row) : undefined;
  }

  /** Datasets that have at least one version, by name. */
  async listDatasets(db: Executor): Promise<DatasetSummary[]> {
    const rows = await db
      .selectFrom('assay_datasets')
      .selectAll()
      .where('max_version', '>', 0)
      .orderBy('name')
      .execute();
    return rows.map(toSummary);
  }
}

function toSummary(row: {
  name: string;
  creation_time: number;
  last_updated_time: number;
  max_version: number;
}): DatasetSummary {
  return {
    name: row.name,
    createdAt: Number(row.creation_time),
    updatedAt: Number(row.last_updated_time),
    latestVersion: Number(row.max_version),
  };
}

function toVersion(row: AssayDatasetVersionsTable): DatasetVersionInfo {
  const stored = JSON.parse(row.schema) as DatasetSchema & { description?: string | null };
  return {
    name: row.name,
    version: Number(row.version),
    digest: row.digest,
    contentDigest: row.content_digest,
    rowCount: Number(row.row_count),
    schema: { columns: stored.columns },
    labelColumn: row.label_column,
    idColumn: row.id_column,
    slices: JSON.parse(row.slices) as SliceDefinition[],
    createdAt: Number(row.creation_time),
    sourceFormat: row.source_format as SourceFormat,
    description: stored.description ?? null,
    artifactPath: row.artifact_path,
  };
}
