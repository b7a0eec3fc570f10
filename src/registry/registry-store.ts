import { AliasRepository } from '../store/alias-repository.js';
import type { Dialect } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import {
  ModelVersionRepository,
  versionKeyString,
  type ModelVersionRow,
} from '../store/model-version-repository.js';
import { RegisteredModelRepository, type RegisteredModelRow } from '../store/registered-model-repository.js';
import type { ModelAlias, ModelVersion, RegisteredModel } from './entities.js';

/** The registry's repositories, and the assembly of their rows into registry entities. */
export class RegistryStore {
  readonly models: RegisteredModelRepository;
  readonly versions: ModelVersionRepository;
  readonly aliases = new AliasRepository();

  constructor(dialect: Dialect) {
    this.models = new RegisteredModelRepository(dialect);
    this.versions = new ModelVersionRepository(dialect);
  }

  /** Whole registered models: latest version per stage (without aliases, as MLflow's SQL store), tags, aliases. */
  async registeredModels(db: Executor, rows: readonly RegisteredModelRow[]): Promise<RegisteredModel[]> {
    const names = rows.map((row) => row.name);
    const [latest, tags, aliases] = await Promise.all([
      this.versions.latestPerStage(db, names),
      this.models.tags(db, names),
      this.aliases.forModels(db, names),
    ]);
    const latestVersions = await this.modelVersions(db, [...latest.values()].flat(), false);
    const byName = new Map<string, ModelVersion[]>();
    for (const version of latestVersions)
      byName.set(version.name, [...(byName.get(version.name) ?? []), version]);
    return rows.map((row) => ({
      name: row.name,
      creationTimestamp: row.creationTime,
      lastUpdatedTimestamp: row.lastUpdatedTime,
      description: row.description,
      latestVersions: byName.get(row.name) ?? [],
      tags: tags.get(row.name) ?? [],
      aliases: aliases.get(row.name) ?? [],
    }));
  }

  /** Versions with their tags; with their aliases only where MLflow's SQL store shows them. */
  async modelVersions(
    db: Executor,
    rows: readonly ModelVersionRow[],
    withAliases: boolean,
  ): Promise<ModelVersion[]> {
    const tags = await this.versions.tags(db, rows);
    const aliases: Map<string, ModelAlias[]> = withAliases
      ? await this.aliases.forModels(db, [...new Set(rows.map((row) => row.name))])
      : new Map();
    return rows.map((row) => ({
      name: row.name,
      version: row.version,
      creationTimestamp: row.creationTime,
      lastUpdatedTimestamp: row.lastUpdatedTime,
      userId: row.userId,
      currentStage: row.currentStage,
      description: row.description,
      source: row.source,
      runId: row.runId,
      runLink: row.runLink,
      status: row.status,
      statusMessage: row.statusMessage,
      tags: tags.get(versionKeyString(row)) ?? [],
      aliases: (aliases.get(row.name) ?? [])
        .filter((alias) => alias.version === row.version)
        .map((alias) => alias.alias),
    }));
  }

  async modelVersion(db: Executor, row: ModelVersionRow): Promise<ModelVersion> {
    const [version] = await this.modelVersions(db, [row], true);
    return version as ModelVersion;
  }
}
