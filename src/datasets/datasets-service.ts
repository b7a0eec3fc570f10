import { randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import type { Database } from '../store/database.js';
import { DatasetRepository } from '../store/dataset-repository.js';
import { isUniqueViolation } from '../store/db-errors.js';
import {
  checkDefinition,
  checkDefinitionColumns,
  parseDefinition,
  versionDigest,
  type ParsedDefinition,
} from './dataset-definition.js';
import type {
  CreateDatasetOptions,
  CreateDatasetResult,
  DatasetDetails,
  DatasetSource,
  DatasetVersionInfo,
  SourceFormat,
} from './dataset-entities.js';
import { validateDatasetName, validateVersionSelector } from './dataset-names.js';
import { StoredDatasetVersion, type DatasetVersion } from './dataset-version.js';
import { assertUnchanged, scanSource, type ScannedSource } from './import/source-scan.js';
import type { ImportedTable } from './import/table-import.js';
import type { TableSource } from './import/table-source.js';
import { sourceFormat } from './source-format.js';

/** How imports split their work; the defaults suit any file, tests shrink them to exercise the machinery. */
export interface ImportTuning {
  /** Rows per stored Arrow record batch. */
  readonly batchRows: number;
  /** CSV/JSONL files are parsed in ranges of about this many bytes... */
  readonly rangeBytes: number;
  /** ...by this many worker threads (0: on the calling thread). */
  readonly workers: number;
}

/**
 * One parsing thread per core (the calling thread only hashes, assembles and writes). Measured on
 * 2 cores, 1M x 30 CSV, compiled: 2.6 s and 420 MB peak RSS with two workers, 3.3 s and 260 MB on
 * the calling thread; a CSV with quotes (csv-parse's pace): 6.2 s against 10.5 s.
 */
const PARSE_WORKERS = os.availableParallelism() >= 2 ? Math.min(8, os.availableParallelism()) : 0;

const DEFAULT_IMPORT_TUNING: ImportTuning = {
  batchRows: 65_536,
  rangeBytes: 8 << 20,
  workers: PARSE_WORKERS,
};

export interface DatasetsServiceOptions {
  readonly now?: () => number;
  readonly tuning?: Partial<ImportTuning>;
}

/** A stored file holds rows only: this bounds nothing in practice but the store's own checks. */
const MAX_ARTIFACT_BYTES = Number.MAX_SAFE_INTEGER;

/**
 * Assay's datasets: immutable, content-addressed versions of tables. The rows of a version are an
 * Arrow IPC file in the artifact store at `datasets/<sha256 of the source bytes>.arrow` (shared by
 * every version, of any dataset, with the same source); its metadata a row of
 * assay_dataset_versions. The same source and definition under one name is one version.
 */
export class DatasetsService {
  private readonly repository: DatasetRepository;
  private readonly now: () => number;
  private readonly tuning: ImportTuning;

  constructor(
    private readonly database: Database,
    private readonly artifacts: ArtifactStore,
    options: DatasetsServiceOptions = {},
  ) {
    this.repository = new DatasetRepository(database.dialect);
    this.now = options.now ?? Date.now;
    const given = Object.entries(options.tuning ?? {}).filter(([, value]) => value !== undefined);
    this.tuning = { ...DEFAULT_IMPORT_TUNING, ...(Object.fromEntries(given) as Partial<ImportTuning>) };
  }

  /**
   * Imports `source` as the next version of dataset `name`, or returns the existing version when
   * this content and definition already are one. Nothing is left behind on failure.
   */
  async createDataset(
    name: string,
    source: DatasetSource,
    options: CreateDatasetOptions = {},
  ): Promise<CreateDatasetResult> {
    validateDatasetName(name);
    const format = sourceFormat(source, options.format);
    const parsed = parseDefinition(options);
    const description = options.description ?? null;
    if (description !== null && typeof description !== 'string') {
      throw new InvalidParameterError('Dataset description must be a string');
    }
    const sourceName = typeof source === 'string' ? `'${source}'` : `(${format} stream)`;
    const spool = await fsp.mkdtemp(path.join(os.tmpdir(), 'assay-dataset-'));
    try {
      const scan = await scanSource(source, {
        split: format === 'parquet' ? null : format,
        rangeBytes: this.tuning.rangeBytes,
        spoolDirectory: spool,
        onProgress: options.onProgress && ((bytes, total) => options.onProgress?.(bytes, total, 'reading')),
      });
      const digest = versionDigest(scan.digest, parsed);
      const existing = await this.repository.findByDigest(this.database.db, name, digest);
      if (existing) return { dataset: existing, created: false };

      const stored = await this.storeRows(scan, format, parsed, sourceName, options);
      try {
        checkDefinition(parsed, stored.table.schema);
        const result = await this.insertVersion({
          name,
          version: 0,
          digest,
          contentDigest: scan.digest,
          rowCount: stored.table.rowCount,
          schema: stored.table.schema,
          labelColumn: parsed.definition.labelColumn,
          idColumn: parsed.definition.idColumn,
          slices: parsed.definition.slices,
          createdAt: this.now(),
          sourceFormat: format,
          description,
          artifactPath: stored.artifactPath,
        });
        // A concurrent import of the same content and definition won: its file serves, ours goes.
        if (stored.written && result.dataset.artifactPath !== stored.artifactPath) {
          await this.artifacts.delete(stored.artifactPath);
        }
        return result;
      } catch (error) {
        if (stored.written) await this.artifacts.delete(stored.artifactPath);
        throw error;
      }
    } finally {
      await fsp.rm(spool, { recursive: true, force: true });
    }
  }

  async openDatasetVersion(name: string, version: number | 'latest'): Promise<DatasetVersion> {
    return new StoredDatasetVersion(await this.getDatasetVersion(name, version), this.artifacts);
  }

  /** A version's metadata, without opening its rows. */
  async getDatasetVersion(name: string, version: number | 'latest'): Promise<DatasetVersionInfo> {
    validateDatasetName(name);
    validateVersionSelector(version);
    const db = this.database.db;
    const info =
      version === 'latest'
        ? await this.repository.findLatest(db, name)
        : await this.repository.findVersion(db, name, version);
    if (info) return info;
    if (version !== 'latest' && (await this.repository.findDataset(db, name))) {
      throw new NotFoundError(`Dataset '${name}' has no version ${version}`);
    }
    throw new NotFoundError(`Dataset '${name}' does not exist`);
  }

  /** Every dataset with a version, by name, with its versions oldest first (two queries in all). */
  async listDatasets(): Promise<DatasetDetails[]> {
    const db = this.database.db;
    const [datasets, versions] = await Promise.all([
      this.repository.listDatasets(db),
      this.repository.listAllVersions(db),
    ]);
    const byName = new Map<string, DatasetVersionInfo[]>();
    for (const version of versions) {
      const list = byName.get(version.name) ?? [];
      list.push(version);
      byName.set(version.name, list);
    }
    // A dataset created between the two queries shows up in at most one of them: left out.
    return datasets.flatMap(({ name, createdAt, updatedAt }) => {
      const listed = byName.get(name);
      return listed ? [{ name, createdAt, updatedAt, versions: listed }] : [];
    });
  }

  /** A dataset and all its versions, oldest first. */
  async showDataset(name: string): Promise<DatasetDetails> {
    validateDatasetName(name);
    const db = this.database.db;
    const dataset = await this.repository.findDataset(db, name);
    const versions = dataset ? await this.repository.listVersions(db, name) : [];
    if (!dataset || versions.length === 0) throw new NotFoundError(`Dataset '${name}' does not exist`);
    return { name, createdAt: dataset.createdAt, updatedAt: dataset.updatedAt, versions };
  }

  /**
   * The stored file for the scanned rows: an existing one when another version has the same source
   * (no parsing at all), else a new import.
   */
  private async storeRows(
    scan: ScannedSource,
    format: SourceFormat,
    parsed: ParsedDefinition,
    sourceName: string,
    options: CreateDatasetOptions,
  ): Promise<{ table: ImportedTable; artifactPath: string; written: boolean }> {
    const stored = await this.repository.findByContent(this.database.db, scan.digest);
    const same = stored.find((version) => version.sourceFormat === format);
    if (same && (await this.artifactExists(same.artifactPath))) {
      return {
        table: { schema: same.schema, rowCount: same.rowCount },
        artifactPath: same.artifactPath,
        written: false,
      };
    }
    // Each import writes a file of its own: until its version commits, no other version can refer
    // to it, so a failed import removes it without asking who else might use it.
    const artifactPath = `datasets/${scan.digest}.${format}.${randomUUID().slice(0, 8)}.arrow`;

    const table = await this.tableSource(scan, format, sourceName);
    if (table.columns) checkDefinitionColumns(parsed, table.columns);
    const { importTable } = await import('./import/table-import.js');
    const imported = await importTable(
      table,
      async (body) => {
        await this.artifacts.write(artifactPath, body, { maxBytes: MAX_ARTIFACT_BYTES });
      },
      {
        batchRows: this.tuning.batchRows,
        sourceName,
        onProgress:
          options.onProgress &&
          ((bytes, total, pass) =>
            options.onProgress?.(bytes, total, pass === 1 ? 'importing' : 'reimporting')),
      },
    );
    try {
      await assertUnchanged(scan);
    } catch (error) {
      await this.artifacts.delete(artifactPath);
      throw error;
    }
    return { table: imported, artifactPath, written: true };
  }

  /**
   * The parsers (and Arrow) are loaded on first use: a server or command that never imports a
   * dataset does not pay for them at start-up.
   */
  private async tableSource(
    scan: ScannedSource,
    format: SourceFormat,
    sourceName: string,
  ): Promise<TableSource> {
    if (format === 'parquet') {
      const { parquetSource } = await import('./import/parquet-source.js');
      return parquetSource(scan.path, scan.size, sourceName, this.tuning.batchRows);
    }
    const { textSource } = await import('./import/text-source.js');
    const options = { batchRows: this.tuning.batchRows, workers: this.tuning.workers };
    if (format === 'jsonl') return textSource(scan, 'jsonl', null, options);
    const { readCsvHeader } = await import('./import/csv-header.js');
    const header = await readCsvHeader(scan.path, scan.headerEnd ?? scan.size, scan.delimiter, sourceName);
    return textSource(scan, 'csv', header, options);
  }

  private async insertVersion(version: DatasetVersionInfo): Promise<CreateDatasetResult> {
    try {
      const inserted = await this.database.write(async (trx) => {
        await this.repository.ensureDataset(trx, version.name, version.createdAt);
        const existing = await this.repository.findByDigest(trx, version.name, version.digest);
        if (existing) return { dataset: existing, created: false };
        const number = await this.repository.issueVersion(trx, version.name, version.createdAt);
        const dataset = { ...version, version: number };
        await this.repository.insertVersion(trx, dataset);
        return { dataset, created: true };
      });
      return inserted;
    } catch (error) {
      // A concurrent import of the same content and definition won the race: it is this version.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.repository.findByDigest(this.database.db, version.name, version.digest);
      if (!existing) throw error;
      return { dataset: existing, created: false };
    }
  }

  private async artifactExists(artifactPath: string): Promise<boolean> {
    try {
      await (await this.artifacts.open(artifactPath)).close();
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }
}
