import type { AuditLog } from '../audit/audit-log.js';
import type { AuditChange } from '../audit/audit-event.js';
import type { RequestContext } from '../audit/request-context.js';
import { AlreadyExistsError } from '../errors/assay-error.js';
import { checkMaxResults, offsetPage } from '../search/offset-paging.js';
import { decodePageToken } from '../search/page-token.js';
import { parseRegisteredModelsFilter } from '../search/registered-models-filter.js';
import { parseRegisteredModelsOrderBy } from '../search/registered-models-order-by.js';
import type { Database } from '../store/database.js';
import { isUniqueViolation } from '../store/db-errors.js';
import type { Executor } from '../store/executor.js';
import type { KeyValue, Page } from '../tracking/entities.js';
import type { ModelVersion, RegisteredModel, Stage } from './entities.js';
import { REGISTRY_LIMITS } from './limits.js';
import { ModelDependents } from './model-dependents.js';
import { modelNotFound } from './registry-errors.js';
import { RegistryStore } from './registry-store.js';
import { registeredModelOrder } from './search-order.js';
import { ALL_STAGES, canonicalStage } from './stages.js';
import { validateModelName, validateRegisteredModelTag, validateTagKey } from './validation.js';

export interface CreateRegisteredModelInput {
  name: string;
  tags?: readonly KeyValue[] | undefined;
  description?: string | undefined;
}

export interface SearchRegisteredModelsInput {
  filter?: string | undefined;
  orderBy?: readonly string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** Registered models: MLflow's SQL-store semantics, plus the audit trail of renames and deletions. */
export class RegisteredModelsService {
  private readonly store: RegistryStore;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    private readonly dependents: ModelDependents = new ModelDependents(null),
  ) {
    this.store = new RegistryStore(database.dialect);
  }

  async create(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    validateModelName(input.name);
    const tags = lastValuePerKey(input.tags ?? []);
    for (const tag of tags) validateRegisteredModelTag(tag.key, tag.value);
    const now = this.now();
    const description = input.description ?? '';
    try {
      await this.database.write((trx) =>
        this.store.models.insert(
          trx,
          { name: input.name, creationTime: now, lastUpdatedTime: now, description },
          tags,
        ),
      );
    } catch (error) {
      // MLflow's SQL store appends the driver's IntegrityError text; Assay keeps database text to itself.
      if (isUniqueViolation(error))
        throw new AlreadyExistsError(`Registered Model (name=${input.name}) already exists.`);
      throw error;
    }
    return {
      name: input.name,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      description,
      latestVersions: [],
      tags: [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      aliases: [],
    };
  }

  async get(name: string): Promise<RegisteredModel> {
    validateModelName(name);
    return this.load(this.database.db, name);
  }

  /**
   * Renames the model and carries its versions, tags and aliases along (every table is keyed by
   * name, so all are rewritten in one transaction). Its audit trail follows it too.
   */
  async rename(name: string, newName: string, context: RequestContext): Promise<RegisteredModel> {
    validateModelName(newName);
    validateModelName(name);
    try {
      return await this.database.write(async (trx) => {
        if (!(await this.store.models.lock(trx, name))) throw modelNotFound(name);
        const now = this.now();
        await this.store.models.rename(trx, name, newName, now);
        await this.store.versions.renameModel(trx, name, newName, now);
        await this.store.aliases.renameModel(trx, name, newName);
        await this.dependents.renameModel(trx, name, newName);
        if (newName !== name) {
          await this.audit.relabelModel(trx, name, newName);
          await this.audit.record(trx, context, now, [
            { action: 'model.renamed', model: newName, fromModel: name },
          ]);
        }
        return this.load(trx, newName);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AlreadyExistsError(`Registered Model (name=${newName}) already exists.`);
      throw error;
    }
  }

  /** MLflow's handler passes "" for an absent description, which clears it. */
  async update(name: string, description: string | undefined): Promise<RegisteredModel> {
    validateModelName(name);
    return this.database.write(async (trx) => {
      if (!(await this.store.models.lock(trx, name))) throw modelNotFound(name);
      await this.store.models.updateDescription(trx, name, description ?? '', this.now());
      return this.load(trx, name);
    });
  }

  /** Deletes the model with all its versions, tags and aliases; the aliases' removal is audited. */
  async delete(name: string, context: RequestContext): Promise<void> {
    validateModelName(name);
    const files = await this.database.write(async (trx) => {
      if (!(await this.store.models.lock(trx, name))) throw modelNotFound(name);
      const aliases = await this.store.aliases.deleteModel(trx, name);
      const files = await this.dependents.deleteModel(trx, name);
      await this.store.versions.deleteModel(trx, name);
      await this.store.models.delete(trx, name);
      const changes: AuditChange[] = aliases.map((alias) => ({
        action: 'alias.deleted',
        model: name,
        alias: alias.alias,
        fromVersion: alias.version,
      }));
      changes.push({ action: 'model.deleted', model: name });
      await this.audit.record(trx, context, this.now(), changes);
      return files;
    });
    await this.dependents.removeFiles(files);
  }

  async search(input: SearchRegisteredModelsInput): Promise<Page<RegisteredModel>> {
    const maxResults = input.maxResults ?? REGISTRY_LIMITS.registeredModelsSearchDefaultMaxResults;
    // MLflow's SQL store lets 0 through (an empty page) and hands negatives to the database, which
    // answers differently per engine; Assay refuses negatives with MLflow's file-store message.
    checkMaxResults(maxResults, {
      max: REGISTRY_LIMITS.registeredModelsSearchMaxResults,
      allowZero: true,
      wording: 'request-parameter',
    });
    const filter = parseRegisteredModelsFilter(input.filter ?? '');
    const orderBy = registeredModelOrder(parseRegisteredModelsOrderBy(input.orderBy ?? []));
    const offset = decodePageToken(input.pageToken);
    const db = this.database.db;
    const rows = await this.store.models.search(db, { filter, orderBy, offset, limit: maxResults + 1 });
    const page = offsetPage(rows, maxResults, offset);
    return { items: await this.store.registeredModels(db, page.rows), nextPageToken: page.nextPageToken };
  }

  /** The newest version in each requested stage (all four when none is named); no aliases, as MLflow's SQL store. */
  async getLatestVersions(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
    validateModelName(name);
    const db = this.database.db;
    if (!(await this.store.models.find(db, name))) throw modelNotFound(name);
    const wanted = new Set<Stage>(stages.length === 0 ? ALL_STAGES : stages.map(canonicalStage));
    const latest = (await this.store.versions.latestPerStage(db, [name])).get(name) ?? [];
    return this.store.modelVersions(
      db,
      latest.filter((version) => wanted.has(version.currentStage)),
      false,
    );
  }

  /** MLflow's SQL store leaves last_updated_timestamp alone for tag changes. */
  async setTag(name: string, tag: KeyValue): Promise<void> {
    validateModelName(name);
    validateRegisteredModelTag(tag.key, tag.value);
    await this.database.write(async (trx) => {
      if (!(await this.store.models.lock(trx, name))) throw modelNotFound(name);
      await this.store.models.upsertTag(trx, name, tag);
    });
  }

  /** Deleting a tag the model does not have is not an error. */
  async deleteTag(name: string, key: string): Promise<void> {
    validateModelName(name);
    validateTagKey(key);
    await this.database.write(async (trx) => {
      if (!(await this.store.models.lock(trx, name))) throw modelNotFound(name);
      await this.store.models.deleteTag(trx, name, key);
    });
  }

  private async load(db: Executor, name: string): Promise<RegisteredModel> {
    const row = await this.store.models.find(db, name);
    if (!row) throw modelNotFound(name);
    const [model] = await this.store.registeredModels(db, [row]);
    return model as RegisteredModel;
  }
}

/** MLflow keeps the last value given for a repeated tag key. */
export function lastValuePerKey(tags: readonly KeyValue[]): KeyValue[] {
  const byKey = new Map<string, KeyValue>();
  for (const tag of tags) byKey.set(tag.key, tag);
  return [...byKey.values()];
}
