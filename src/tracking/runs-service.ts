import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import { invalidParameterMessage } from '../errors/request-messages.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import { MetricRepository } from '../store/metric-repository.js';
import { RunInputRepository } from '../store/run-input-repository.js';
import { RunRepository } from '../store/run-repository.js';
import { RunSearchRepository } from '../store/run-search-repository.js';
import { parseRunsFilter } from '../search/runs-filter.js';
import { parseRunsOrderBy } from '../search/runs-order-by.js';
import { decodePageToken, encodePageToken } from '../search/page-token.js';
import { pythonJsonDumps, pythonRepr } from '../util/python-format.js';
import type { DatasetInput, KeyValue, Metric, Page, Run, RunInfo, RunStatus, ViewType } from './entities.js';
import type { ExperimentsService } from './experiments-service.js';
import { parseExperimentId } from './experiments-service.js';
import { LIMITS } from './limits.js';
import { newRunId } from './run-id.js';
import { generateRunName } from './run-names.js';
import { validateDatasetInput } from './dataset-input-validation.js';
import { stagesForView } from './view-type.js';
import {
  validateMetric,
  validateMetrics,
  validateParam,
  validateRunId,
  validateRunTag,
} from './validation.js';

export const RUN_NAME_TAG = 'mlflow.runName';
const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

export interface CreateRunInput {
  experimentId?: string | undefined;
  userId?: string | undefined;
  runName?: string | undefined;
  startTime?: number | undefined;
  tags?: readonly KeyValue[] | undefined;
}

export interface UpdateRunInput {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

export interface LogBatchInput {
  metrics?: readonly Metric[] | undefined;
  params?: readonly KeyValue[] | undefined;
  tags?: readonly KeyValue[] | undefined;
}

export interface SearchRunsInput {
  experimentIds: readonly string[];
  filter?: string | undefined;
  orderBy?: readonly string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  viewType?: ViewType | undefined;
}

/** Runs: creation, logging and lifecycle with MLflow's rules; reads of whole runs. */
export class RunsService {
  private readonly runs: RunRepository;
  private readonly metrics: MetricRepository;
  private readonly inputs = new RunInputRepository();
  private readonly searchRepository: RunSearchRepository;

  constructor(
    private readonly database: Database,
    private readonly experiments: ExperimentsService,
    private readonly now: () => number = Date.now,
  ) {
    this.searchRepository = new RunSearchRepository(database.dialect);
    this.metrics = new MetricRepository(database.dialect);
    this.runs = new RunRepository(database.dialect);
  }

  async create(input: CreateRunInput): Promise<Run> {
    const experimentId = input.experimentId ? input.experimentId : '0';
    const tags = [...(input.tags ?? [])];
    for (const tag of tags) validateRunTag(tag.key, tag.value);
    const tagName = tags.find((tag) => tag.key === RUN_NAME_TAG)?.value ?? '';
    if (input.runName && tagName && input.runName !== tagName) {
      throw new InvalidParameterError(
        `Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values (run_name='${input.runName}', ${RUN_NAME_TAG}='${tagName}').`,
      );
    }
    const name = input.runName || tagName || generateRunName();
    const withoutEmptyName = tags.filter((tag) => tag.key !== RUN_NAME_TAG);
    const finalTags = dedupeByKey([...withoutEmptyName, { key: RUN_NAME_TAG, value: name }]);
    const runId = newRunId(this.now());
    const startTime = input.startTime ?? this.now();
    const artifactUri = await this.database.write(async (trx) => {
      const location = await this.experiments.activePlacement(trx, experimentId);
      const uri = appendToUriPath(location, runId, 'artifacts');
      await this.runs.insert(trx, {
        runId,
        experimentId: Number(experimentId),
        name,
        userId: input.userId ?? '',
        startTime,
        artifactUri: uri,
        tags: finalTags,
      });
      return uri;
    });
    return {
      info: {
        runId,
        experimentId: String(Number(experimentId)),
        runName: name,
        userId: input.userId ?? '',
        status: 'RUNNING',
        startTime,
        endTime: null,
        artifactUri,
        lifecycleStage: 'active',
      },
      data: { metrics: [], params: [], tags: finalTags },
      inputs: { datasetInputs: [] },
    };
  }

  async get(runId: string): Promise<Run> {
    const [run] = await this.runs.loadRuns(this.database.db, [runId]);
    if (!run) throw runNotFound(runId);
    return run;
  }

  async getInfo(runId: string, db: Executor = this.database.db): Promise<RunInfo> {
    const info = await this.runs.findInfo(db, runId);
    if (!info) throw runNotFound(runId);
    return info;
  }

  async update(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    return this.database.write(async (trx) => {
      await this.requireActive(trx, runId);
      const name = input.runName ? input.runName : undefined;
      await this.runs.update(trx, runId, { status: input.status, endTime: input.endTime, name });
      if (name !== undefined) await this.runs.upsertTags(trx, runId, [{ key: RUN_NAME_TAG, value: name }]);
      return this.getInfo(runId, trx);
    });
  }

  async delete(runId: string): Promise<void> {
    await this.setLifecycle(runId, 'deleted');
  }

  async restore(runId: string): Promise<void> {
    await this.setLifecycle(runId, 'active');
  }

  async logMetric(runId: string, metric: Metric): Promise<void> {
    validateMetric(metric.key, metric.value, metric.timestamp, metric.step);
    await this.database.write(async (trx) => {
      const info = await this.requireActive(trx, runId);
      await this.metrics.insertPoints(trx, runId, info.experimentId, [metric]);
    });
  }

  async logParam(runId: string, param: KeyValue): Promise<void> {
    validateParam(param.key, param.value);
    await this.database.write(async (trx) => {
      await this.requireActive(trx, runId);
      const existing = (await this.runs.findParams(trx, runId, [param.key])).get(param.key);
      if (existing !== undefined && existing !== param.value) {
        throw new InvalidParameterError(
          `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
        );
      }
      if (existing === undefined) await this.runs.insertParams(trx, runId, [param]);
    });
  }

  async setTag(runId: string, tag: KeyValue): Promise<void> {
    validateRunTag(tag.key, tag.value);
    await this.database.write(async (trx) => {
      await this.requireActive(trx, runId);
      await this.writeTags(trx, runId, [tag]);
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.database.write(async (trx) => {
      await this.requireActive(trx, runId);
      if (!(await this.runs.deleteTag(trx, runId, key))) {
        throw new NotFoundError(`No tag with name: ${key} in run with id ${runId}`);
      }
    });
  }

  /** All or nothing: every item is checked before anything is written, in one transaction. */
  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    validateRunId(runId);
    validateMetrics(metrics);
    for (const param of params) validateParam(param.key, param.value);
    for (const tag of tags) validateRunTag(tag.key, tag.value);
    assertBatchLimits(metrics.length, params.length, tags.length);
    assertUniqueParamKeys(params);

    await this.database.write(async (trx) => {
      const info = await this.requireActive(trx, runId);
      if (params.length > 0) {
        // Insert first: new keys (the usual case) cost one statement. Only when some keys were
        // already there are their values read, to tell re-logging (fine) from changing (refused,
        // and the whole batch rolls back with the error).
        const inserted = await this.runs.insertParams(trx, runId, params);
        if (inserted < params.length) {
          const existing = await this.runs.findParams(
            trx,
            runId,
            params.map((param) => param.key),
          );
          const changed = params.filter((param) => existing.get(param.key) !== param.value);
          if (changed.length > 0) {
            const details = changed.map((param) => ({
              key: param.key,
              old_value: existing.get(param.key),
              new_value: param.value,
            }));
            throw new InvalidParameterError(
              `Changing param values is not allowed. Params were already logged='${pythonRepr(details)}' for run ID='${runId}'.`,
            );
          }
        }
      }
      if (metrics.length > 0) await this.metrics.insertPoints(trx, runId, info.experimentId, metrics);
      if (tags.length > 0) await this.writeTags(trx, runId, dedupeByKey(tags));
    });
  }

  async logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> {
    validateRunId(runId);
    for (const input of datasets) validateDatasetInput(input);
    const unique = new Map<string, DatasetInput>();
    for (const input of datasets) {
      const key = `${input.dataset.name}\u0000${input.dataset.digest}`;
      if (!unique.has(key)) unique.set(key, input);
    }
    await this.database.write(async (trx) => {
      const info = await this.requireActive(trx, runId);
      await this.inputs.logInputs(trx, runId, info.experimentId, [...unique.values()]);
    });
  }

  /** Appends an MLflow model's metadata to the run's `mlflow.log-model.history` tag. */
  async logModel(runId: string, modelJson: string): Promise<void> {
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw new InvalidParameterError(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) {
      throw new InvalidParameterError(`Malformed model info. \n ${modelJson} \n is not a JSON object.`);
    }
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter(
      (field) => !(field in model),
    );
    if (missing.length > 0) {
      throw new InvalidParameterError(
        `Model json is missing mandatory fields: {${missing.map((m) => `'${m}'`).join(', ')}}`,
      );
    }
    await this.database.write(async (trx) => {
      await this.requireActive(trx, runId);
      const previous = await this.runs.findTag(trx, runId, LOG_MODEL_HISTORY_TAG);
      let history: unknown[] = [];
      if (previous) {
        try {
          const parsed: unknown = JSON.parse(previous);
          if (Array.isArray(parsed)) history = parsed;
        } catch {
          history = [];
        }
      }
      const value = pythonJsonDumps([...history, model]);
      validateRunTag(LOG_MODEL_HISTORY_TAG, value);
      await this.runs.upsertTags(trx, runId, [{ key: LOG_MODEL_HISTORY_TAG, value }]);
    });
  }

  async search(input: SearchRunsInput): Promise<Page<Run>> {
    const maxResults = input.maxResults ?? LIMITS.runsSearchDefaultMaxResults;
    if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > LIMITS.runsSearchMaxResults) {
      throw new InvalidParameterError(invalidParameterMessage('max_results', maxResults));
    }
    const filter = parseRunsFilter(input.filter ?? '');
    const orderBy = parseRunsOrderBy(input.orderBy ?? []);
    const offset = decodePageToken(input.pageToken);
    const experimentIds = input.experimentIds
      .map(parseExperimentId)
      .filter((id): id is number => id !== undefined);
    const db = this.database.db;
    const ids = await this.searchRepository.searchIds(db, {
      experimentIds,
      stages: stagesForView(input.viewType ?? 'ACTIVE_ONLY'),
      filter,
      orderBy,
      offset,
      limit: maxResults,
    });
    const runs = await this.runs.loadRuns(db, ids);
    // MLflow hands out a token whenever a page is full, even when nothing follows.
    return {
      items: runs,
      nextPageToken:
        ids.length === maxResults && maxResults > 0 ? encodePageToken(offset + maxResults) : null,
    };
  }

  /** Checks, inside `db` (usually a write), that the run exists and is active; returns its experiment. */
  async requireActive(db: Executor, runId: string): Promise<{ experimentId: number }> {
    const state = await this.runs.findState(db, runId);
    if (!state) throw runNotFound(runId);
    if (state.lifecycleStage !== 'active') {
      throw new InvalidParameterError(
        `The run ${runId} must be in the 'active' state. Current state is ${state.lifecycleStage}.`,
      );
    }
    return { experimentId: state.experimentId };
  }

  /** Upserts tags; a non-empty `mlflow.runName` also renames the run, as in MLflow. */
  private async writeTags(db: Executor, runId: string, tags: readonly KeyValue[]): Promise<void> {
    const kept = tags.filter((tag) => !(tag.key === RUN_NAME_TAG && tag.value === ''));
    await this.runs.upsertTags(db, runId, kept);
    const rename = kept.findLast((tag) => tag.key === RUN_NAME_TAG);
    if (rename) await this.runs.update(db, runId, { name: rename.value });
  }

  private async setLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    await this.database.write(async (trx) => {
      await this.getInfo(runId, trx);
      await this.runs.setLifecycleStage(trx, runId, stage, this.now());
    });
  }
}

export function runNotFound(runId: string): NotFoundError {
  return new NotFoundError(`Run with id=${runId} not found`);
}

function assertBatchLimits(metrics: number, params: number, tags: number): void {
  const check = (count: number, limit: number, what: string): void => {
    if (count > limit) {
      throw new InvalidParameterError(
        `A batch logging request can contain at most ${limit} ${what}. Got ${count} ${what}. Please split up ${what} across multiple requests and try again.`,
      );
    }
  };
  check(metrics, LIMITS.maxMetricsPerBatch, 'metrics');
  check(params, LIMITS.maxParamsPerBatch, 'params');
  check(tags, LIMITS.maxTagsPerBatch, 'tags');
  check(metrics + params + tags, LIMITS.maxEntitiesPerBatch, 'metrics, params, and tags');
}

function assertUniqueParamKeys(params: readonly KeyValue[]): void {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const param of params) {
    if (seen.has(param.key)) duplicates.push(param.key);
    seen.add(param.key);
  }
  if (duplicates.length > 0) {
    throw new InvalidParameterError(
      `Duplicate parameter keys have been submitted: ${pythonRepr(duplicates)}. Please ensure the request contains only one param value per param key.`,
    );
  }
}

/** Later duplicates win, keeping the position of the first. */
function dedupeByKey(entries: readonly KeyValue[]): KeyValue[] {
  const byKey = new Map<string, KeyValue>();
  for (const entry of entries) byKey.set(entry.key, entry);
  return [...byKey.values()];
}

/** MLflow's append_to_uri_path: joins path segments onto a URI's path without doubling slashes. */
export function appendToUriPath(uri: string, ...segments: string[]): string {
  const queryIndex = uri.search(/[?#]/);
  const base = queryIndex === -1 ? uri : uri.slice(0, queryIndex);
  const suffix = queryIndex === -1 ? '' : uri.slice(queryIndex);
  const joined = segments.map((segment) => segment.replace(/^\/+/, '')).join('/');
  return `${base.replace(/\/+$/, '')}/${joined}${suffix}`;
}
