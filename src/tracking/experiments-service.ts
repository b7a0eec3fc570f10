import type { Database } from '../store/database.js';
import type { Executor } from '../store/executor.js';
import { isUniqueViolation } from '../store/db-errors.js';
import { ExperimentRepository } from '../store/experiment-repository.js';
import {
  AlreadyExistsError,
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
} from '../errors/assay-error.js';
import { checkMaxResults, offsetPage } from '../search/offset-paging.js';
import { decodePageToken } from '../search/page-token.js';
import { parseExperimentsFilter } from '../search/experiments-filter.js';
import { parseExperimentsOrderBy } from '../search/experiments-order-by.js';
import type { Experiment, KeyValue, Page, ViewType } from './entities.js';
import { LIMITS } from './limits.js';
import { stagesForView } from './view-type.js';
import { validateExperimentTag, validateKeyName } from './validation.js';

export interface CreateExperimentInput {
  name: string;
  artifactLocation?: string | undefined;
  tags?: readonly KeyValue[] | undefined;
}

export interface SearchExperimentsInput {
  filter?: string | undefined;
  orderBy?: readonly string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  viewType?: ViewType | undefined;
}

/** Experiments: MLflow's semantics over the metadata store. */
export class ExperimentsService {
  private readonly repository: ExperimentRepository;

  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.repository = new ExperimentRepository(database.dialect);
  }

  async create(input: CreateExperimentInput): Promise<string> {
    const tags = dedupeByKey(input.tags ?? []);
    for (const tag of tags) validateExperimentTag(tag.key, tag.value);
    const artifactLocation = input.artifactLocation
      ? normalizeArtifactLocation(input.artifactLocation)
      : null;
    try {
      const id = await this.database.write((trx) =>
        this.repository.insert(
          trx,
          { name: input.name, artifactLocation, creationTime: this.now(), tags },
          (newId) => `mlflow-artifacts:/${newId}`,
        ),
      );
      return String(id);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AlreadyExistsError(`Experiment(name=${input.name}) already exists.`);
      throw error;
    }
  }

  async get(experimentId: string): Promise<Experiment> {
    const id = parseExperimentId(experimentId);
    const experiment = id === undefined ? undefined : await this.repository.findById(this.database.db, id);
    if (!experiment) throw new NotFoundError(`No Experiment with id=${experimentId} exists`);
    return experiment;
  }

  /** Inside a write: the active experiment's artifact location, for placing a new run. */
  async activePlacement(db: Executor, experimentId: string): Promise<string> {
    const id = parseExperimentId(experimentId);
    const placement = id === undefined ? undefined : await this.repository.findPlacement(db, id);
    if (!placement) throw new NotFoundError(`No Experiment with id=${experimentId} exists`);
    requireActive(experimentId, placement.lifecycleStage);
    return placement.artifactLocation;
  }

  async getByName(name: string): Promise<Experiment> {
    const experiment = await this.repository.findByName(this.database.db, name);
    if (!experiment) throw new NotFoundError(`Could not find experiment with name '${name}'`);
    return experiment;
  }

  /** Experiments must exist and be active to take new runs or tags. */
  async getActive(experimentId: string): Promise<Experiment> {
    const experiment = await this.get(experimentId);
    requireActive(experimentId, experiment.lifecycleStage);
    return experiment;
  }

  async search(input: SearchExperimentsInput): Promise<Page<Experiment>> {
    // MLflow's experiments search has no default: an absent max_results is 0 and refused.
    const maxResults = input.maxResults ?? 0;
    checkMaxResults(maxResults, { max: LIMITS.experimentsSearchMaxResults, wording: 'experiments' });
    const filter = parseExperimentsFilter(input.filter ?? '');
    const orderBy = parseExperimentsOrderBy(input.orderBy ?? []);
    const offset = decodePageToken(input.pageToken);
    const rows = await this.repository.search(this.database.db, {
      stages: stagesForView(input.viewType ?? 'ACTIVE_ONLY'),
      filter,
      orderBy,
      offset,
      limit: maxResults + 1,
    });
    const page = offsetPage(rows, maxResults, offset);
    return { items: page.rows, nextPageToken: page.nextPageToken };
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    const experiment = await this.get(experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw new InvalidStateError('Cannot rename a non-active experiment.');
    }
    try {
      await this.repository.rename(this.database.db, Number(experiment.experimentId), newName, this.now());
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AlreadyExistsError(`Experiment(name=${newName}) already exists.`);
      throw error;
    }
  }

  /** Deletes the experiment and all of its runs (restorable). */
  async delete(experimentId: string): Promise<void> {
    await this.moveLifecycle(experimentId, 'active', 'deleted');
  }

  /** Restores the experiment and all of its runs. */
  async restore(experimentId: string): Promise<void> {
    await this.moveLifecycle(experimentId, 'deleted', 'active');
  }

  async setTag(experimentId: string, key: string, value: string): Promise<void> {
    validateExperimentTag(key, value);
    const experiment = await this.getActive(experimentId);
    await this.repository.upsertTag(this.database.db, Number(experiment.experimentId), key, value);
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    validateKeyName('tag', key);
    const experiment = await this.getActive(experimentId);
    const deleted = await this.repository.deleteTag(this.database.db, Number(experiment.experimentId), key);
    if (!deleted) {
      throw new NotFoundError(`No tag with name: ${key} in experiment with id ${experimentId}`);
    }
  }

  private async moveLifecycle(
    experimentId: string,
    from: 'active' | 'deleted',
    to: 'active' | 'deleted',
  ): Promise<void> {
    const id = parseExperimentId(experimentId);
    await this.database.write(async (trx) => {
      const experiment = id === undefined ? undefined : await this.repository.findById(trx, id);
      if (!experiment || experiment.lifecycleStage !== from) {
        throw new NotFoundError(`No Experiment with id=${experimentId} exists`);
      }
      await this.repository.setLifecycleStage(trx, id as number, to, this.now());
    });
  }
}

/** Experiment ids are decimal integers; anything else names no experiment. */
export function parseExperimentId(experimentId: string): number | undefined {
  if (!/^\d{1,15}$/.test(experimentId)) return undefined;
  return Number(experimentId);
}

/**
 * A user-supplied artifact location: refuse `..` hidden in a query string (MLflow's check), keep the
 * rest verbatim.
 */
function normalizeArtifactLocation(location: string): string {
  const query = location.includes('?') ? location.slice(location.indexOf('?') + 1) : '';
  let decoded = query;
  for (let round = 0; round < 8; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (decoded.includes('..')) throw new InvalidParameterError('Invalid query string');
  return location;
}

function dedupeByKey(tags: readonly KeyValue[]): KeyValue[] {
  const byKey = new Map<string, KeyValue>();
  for (const tag of tags) byKey.set(tag.key, tag);
  return [...byKey.values()];
}

/** MLflow's refusal to add runs or tags to a deleted experiment. */
function requireActive(experimentId: string, lifecycleStage: string): void {
  if (lifecycleStage !== 'active') {
    throw new InvalidParameterError(
      `The experiment ${experimentId} must be in the 'active' state. Current state is ${lifecycleStage}.`,
    );
  }
}
