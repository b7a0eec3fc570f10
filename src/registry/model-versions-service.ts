import type { AuditLog } from '../audit/audit-log.js';
import type { AuditChange } from '../audit/audit-event.js';
import type { RequestContext } from '../audit/request-context.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import { parseModelVersionsFilter } from '../search/model-versions-filter.js';
import { parseModelVersionsOrderBy } from '../search/model-versions-order-by.js';
import { checkMaxResults, offsetPage } from '../search/offset-paging.js';
import { decodePageToken } from '../search/page-token.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import type { ModelVersionRow } from '../store/model-version-repository.js';
import { ModelRuntimeRepository } from '../store/model-runtime-repository.js';
import type { KeyValue, Page } from '../tracking/entities.js';
import type { RunsService } from '../tracking/runs-service.js';
import type { ModelVersion } from './entities.js';
import { REGISTRY_LIMITS } from './limits.js';
import { ModelDependents } from './model-dependents.js';
import {
  outcomeStatus,
  outcomeStatusMessage,
  recordOutcome,
  type RegistrationOutcome,
  type VersionSourceInspector,
} from './model-registration-outcome.js';
import { validateModelSource } from './model-source.js';
import { isModelsUri, parseModelsUri } from './models-uri.js';
import { lastValuePerKey } from './registered-models-service.js';
import { modelNotFound, versionNotFound } from './registry-errors.js';
import { RegistryStore } from './registry-store.js';
import { modelVersionOrder } from './search-order.js';
import { ACTIVE_STAGES, canonicalStage } from './stages.js';
import { parseVersion, validateModelName, validateModelVersionTag, validateTagKey } from './validation.js';

export interface CreateModelVersionInput {
  name: string;
  source: string;
  runId?: string | undefined;
  runLink?: string | undefined;
  description?: string | undefined;
  tags?: readonly KeyValue[] | undefined;
  /** Who registers it, when known (MLflow's API leaves it unset). */
  userId?: string | undefined;
  /** The version's files, already inspected by Assay's own registration: not inspected again. */
  registration?: RegistrationOutcome | undefined;
}

export interface SearchModelVersionsInput {
  filter?: string | undefined;
  orderBy?: readonly string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** Model versions: MLflow's SQL-store semantics, plus the audit trail of stage changes. */
export class ModelVersionsService {
  private readonly store: RegistryStore;
  private readonly runtimes = new ModelRuntimeRepository();

  /** `inspector` looks at each new version's files: ONNX models become runnable, broken ones FAILED_REGISTRATION. */
  constructor(
    private readonly database: Database,
    private readonly runs: RunsService,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    private readonly inspector?: VersionSourceInspector,
    private readonly dependents: ModelDependents = new ModelDependents(null),
  ) {
    this.store = new RegistryStore(database.dialect);
  }

  /**
   * Registers a new version, READY at once. Its number is one past the highest the model ever
   * issued, taken atomically with the insert, so concurrent creates never collide or leave gaps.
   */
  async create(input: CreateModelVersionInput): Promise<ModelVersion> {
    const runId = input.runId ?? '';
    await validateModelSource(input.source, runId, async (id) => (await this.runs.getInfo(id)).artifactUri);
    validateModelName(input.name);
    const tags = lastValuePerKey(input.tags ?? []);
    for (const tag of tags) validateModelVersionTag(tag.key, tag.value);
    const storageLocation = isModelsUri(input.source)
      ? await this.resolveModelsSource(input.source)
      : input.source;
    if (runId) {
      // Beyond MLflow, whose registry may live apart from its tracking store: a named run must
      // exist. Checked after MLflow's own checks, so the model's absence is reported first.
      if (!(await this.store.models.find(this.database.db, input.name))) throw modelNotFound(input.name);
      await this.runs.getInfo(runId);
    }
    // Inspected before the transaction (loading a model takes a while), recorded inside it.
    const registration = input.registration ?? (await this.inspector?.inspect(storageLocation)) ?? null;
    return this.database.write(async (trx) => {
      const now = this.now();
      const version = await this.store.models.issueVersion(trx, input.name, now);
      if (version === undefined) throw modelNotFound(input.name);
      const row: ModelVersionRow = {
        name: input.name,
        version,
        creationTime: now,
        lastUpdatedTime: now,
        // MLflow's handler passes proto defaults, so absent fields are stored (and shown) as "".
        description: input.description ?? '',
        userId: input.userId ?? null,
        currentStage: 'None',
        source: input.source,
        storageLocation,
        runId,
        runLink: input.runLink ?? '',
        status: outcomeStatus(registration),
        statusMessage: outcomeStatusMessage(registration),
      };
      await this.store.versions.insert(trx, row, tags);
      if (registration) await recordOutcome(trx, this.runtimes, row, registration, now);
      return this.store.modelVersion(trx, row);
    });
  }

  async get(name: string, version: string): Promise<ModelVersion> {
    const db = this.database.db;
    return this.store.modelVersion(db, await this.findVersion(db, name, version));
  }

  /** An absent description clears it (MLflow then omits the field); "" sets it to "". */
  async update(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    return this.inModelTransaction(name, version, async (trx, row) => {
      await this.store.versions.updateDescription(trx, row, description ?? null, this.now());
      return this.store.modelVersion(trx, await this.findVersion(trx, name, version));
    });
  }

  /**
   * Moves the version to `stage`. With `archiveExistingVersions`, the model's other versions in that
   * stage move to Archived. Every stage change is audited in the same transaction.
   */
  async transitionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
    context: RequestContext,
  ): Promise<ModelVersion> {
    const target = canonicalStage(stage);
    if (archiveExistingVersions && !ACTIVE_STAGES.includes(target)) {
      // MLflow raises this without an error code (500); it is the caller's mistake, so 400 here.
      throw new InvalidParameterError(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
      );
    }
    return this.inModelTransaction(name, version, async (trx, row) => {
      const now = this.now();
      const changes: AuditChange[] = [];
      if (archiveExistingVersions) {
        const others = await this.store.versions.versionsInStage(trx, name, target, row.version);
        await this.store.versions.setStage(trx, name, others, 'Archived', now);
        for (const other of others) {
          changes.push({
            action: 'stage.transitioned',
            model: name,
            fromVersion: other,
            toVersion: other,
            fromStage: target,
            toStage: 'Archived',
          });
        }
      }
      await this.store.versions.setStage(trx, name, [row.version], target, now);
      await this.store.models.touch(trx, name, now);
      changes.push({
        action: 'stage.transitioned',
        model: name,
        fromVersion: row.version,
        toVersion: row.version,
        fromStage: row.currentStage,
        toStage: target,
      });
      await this.audit.record(trx, context, now, changes);
      return this.store.modelVersion(trx, await this.findVersion(trx, name, version));
    });
  }

  /**
   * Deletes the version, its tags and the aliases pointing at it (audited). MLflow 2.10.2's SQL
   * store means to remove those aliases too, but compares the REST call's string version with the
   * integer column and keeps them, leaving aliases to a missing version (fixed upstream in
   * mlflow/mlflow#24825); Assay removes them.
   */
  async delete(name: string, version: string, context: RequestContext): Promise<void> {
    const files = await this.inModelTransaction(name, version, async (trx, row) => {
      const now = this.now();
      const aliases = await this.store.aliases.deleteForVersion(trx, name, row.version);
      const files = await this.dependents.deleteVersion(trx, name, row.version);
      await this.store.versions.delete(trx, row);
      await this.store.models.touch(trx, name, now);
      await this.audit.record(
        trx,
        context,
        now,
        aliases.map((alias) => ({ action: 'alias.deleted', model: name, alias, fromVersion: row.version })),
      );
      return files;
    });
    await this.dependents.removeFiles(files);
  }

  async search(input: SearchModelVersionsInput): Promise<Page<ModelVersion>> {
    const maxResults = input.maxResults ?? REGISTRY_LIMITS.modelVersionsSearchDefaultMaxResults;
    checkMaxResults(maxResults, {
      max: REGISTRY_LIMITS.modelVersionsSearchMaxResults,
      wording: 'request-parameter',
    });
    const filter = parseModelVersionsFilter(input.filter ?? '');
    const orderBy = modelVersionOrder(parseModelVersionsOrderBy(input.orderBy ?? []));
    const offset = decodePageToken(input.pageToken);
    const db = this.database.db;
    const rows = await this.store.versions.search(db, { filter, orderBy, offset, limit: maxResults + 1 });
    const page = offsetPage(rows, maxResults, offset);
    return {
      // MLflow's SQL store shows no aliases in search results.
      items: await this.store.modelVersions(db, page.rows, false),
      nextPageToken: page.nextPageToken,
    };
  }

  /** Every version of the model, oldest first, with its aliases. */
  async listForModel(name: string): Promise<ModelVersion[]> {
    validateModelName(name);
    const db = this.database.db;
    if (!(await this.store.models.find(db, name))) throw modelNotFound(name);
    return this.store.modelVersions(db, await this.store.versions.forModel(db, name), true);
  }

  /** Tag changes leave every timestamp alone, as in MLflow's SQL store. */
  async setTag(name: string, version: string, tag: KeyValue): Promise<void> {
    validateModelName(name);
    parseVersion(version);
    validateModelVersionTag(tag.key, tag.value);
    await this.inModelTransaction(name, version, (trx, row) => this.store.versions.upsertTag(trx, row, tag));
  }

  /** Deleting a tag the version does not have is not an error. */
  async deleteTag(name: string, version: string, key: string): Promise<void> {
    validateModelName(name);
    parseVersion(version);
    validateTagKey(key);
    await this.inModelTransaction(name, version, (trx, row) => this.store.versions.deleteTag(trx, row, key));
  }

  /** Where the version's files are: its source, or for a `models:/name/N` source, that version's location. */
  async getDownloadUri(name: string, version: string): Promise<string> {
    const row = await this.findVersion(this.database.db, name, version);
    return row.storageLocation ?? row.source;
  }

  /**
   * MLflow's create-time resolution of a `models:/` source: only `models:/name/<version>` works.
   * MLflow raises this without an error code (500); Assay answers 400 with the same message.
   */
  private async resolveModelsSource(source: string): Promise<string> {
    const parsed = parseModelsUri(source);
    try {
      // The target's own location was resolved when it was created: one hop reaches the files.
      const row = await this.findVersion(this.database.db, parsed.name, parsed.version ?? 'None');
      return row.storageLocation ?? row.source;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidParameterError(
        `Unable to fetch model from model URI source artifact location '${source}'.Error: ${reason}`,
      );
    }
  }

  private async findVersion(db: Executor, name: string, version: string): Promise<ModelVersionRow> {
    validateModelName(name);
    const number = parseVersion(version);
    const row = await this.store.versions.find(db, name, number);
    if (!row) throw versionNotFound(name, version);
    return row;
  }

  /** Runs `work` on the version inside a transaction holding the model's lock. */
  private async inModelTransaction<T>(
    name: string,
    version: string,
    work: (trx: Executor, row: ModelVersionRow) => Promise<T>,
  ): Promise<T> {
    validateModelName(name);
    const number = parseVersion(version);
    return this.database.write(async (trx) => {
      const row = (await this.store.models.lock(trx, name))
        ? await this.store.versions.find(trx, name, number)
        : undefined;
      if (!row) throw versionNotFound(name, version);
      return work(trx, row);
    });
  }
}
