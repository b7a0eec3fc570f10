import { randomUUID } from 'node:crypto';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { DatasetVersionInfo } from '../datasets/dataset-entities.js';
import type { DatasetVersion } from '../datasets/dataset-version.js';
import type { DatasetsService } from '../datasets/datasets-service.js';
import type { TableBatch } from '../datasets/dataset-table.js';
import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import { checkExpression } from '../expression/expression-check.js';
import { expressionColumns } from '../expression/expression-columns.js';
import { evaluateExpression } from '../expression/expression-evaluate.js';
import type { Expression } from '../expression/expression-ast.js';
import { formatExpression } from '../expression/expression-format.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { ModelRegistrationService, RunnableModel } from '../registry/model-registration-service.js';
import { versionNotFound } from '../registry/registry-errors.js';
import { RegistryStore } from '../registry/registry-store.js';
import { defaultFeatureColumns } from '../runtime/feature-columns.js';
import { ModelInputError } from '../runtime/model-input-error.js';
import { prepareRunner, type ModelRunner } from '../runtime/model-runner.js';
import type { Database } from '../store/database.js';
import { isUniqueViolation } from '../store/db-errors.js';
import { EvaluationRepository, type EvaluationRow } from '../store/evaluation-repository.js';
import { EvaluationAccumulator } from './evaluation-accumulator.js';
import type { Evaluation } from './evaluation-entities.js';
import { evaluationMetrics } from './evaluation-metrics.js';
import {
  readEvaluationOutputs,
  writeEvaluationOutputs,
  type EvaluationOutputs,
} from './evaluation-outputs.js';
import { evaluationTags } from './evaluation-tags.js';
import { countSelected, selectRows } from './select-rows.js';

export interface EvaluateRequest {
  readonly model: { readonly name: string; readonly version: number };
  readonly dataset: { readonly name: string; readonly version: number | 'latest' };
  /** A row filter in the expression language; null or '' for every row. */
  readonly where?: string | null | undefined;
  /** Called after each batch with the rows read so far and the dataset's row count. */
  readonly onProgress?: ((rowsRead: number, totalRows: number) => void) | undefined;
}

export interface EvaluationResult {
  readonly evaluation: Evaluation;
  /** False when the same evaluation was already stored and is returned as it was. */
  readonly computed: boolean;
}

export interface EvaluationsFilter {
  readonly modelName?: string | undefined;
  readonly modelVersion?: number | undefined;
  readonly datasetName?: string | undefined;
}

/** Rows per batch read from the dataset and handed to the model. */
const BATCH_ROWS = 65_536;

/**
 * Runs model versions over dataset versions and keeps what they did, row by row. An evaluation is
 * identified by (model version, dataset version, row filter) and computed once: asking again
 * returns the stored one. Its per-row outputs are an Arrow file in the artifact store; its metrics
 * a row of `evaluations` and, for MLflow clients, tags on the model version.
 */
export class EvaluationService {
  private readonly repository = new EvaluationRepository();
  private readonly registry: RegistryStore;

  constructor(
    private readonly database: Database,
    private readonly artifacts: ArtifactStore,
    private readonly datasets: DatasetsService,
    private readonly registration: ModelRegistrationService,
    private readonly now: () => number = Date.now,
  ) {
    this.registry = new RegistryStore(database.dialect);
  }

  async evaluate(request: EvaluateRequest): Promise<EvaluationResult> {
    const runnable = await this.registration.getRunnable(request.model.name, request.model.version);
    const dataset = await this.datasets.openDatasetVersion(request.dataset.name, request.dataset.version);
    const where = parseWhere(request.where, dataset.info);
    const identity = {
      modelName: runnable.name,
      modelVersion: runnable.version,
      datasetName: dataset.info.name,
      datasetVersion: dataset.info.version,
      where: where ? formatExpression(where) : '',
    };
    const stored = await this.repository.findByIdentity(this.database.db, identity);
    if (stored) return { evaluation: toEvaluation(stored), computed: false };

    checkLabelColumn(runnable, dataset.info);
    const outputs = await this.score(runnable, dataset, where, { onProgress: request.onProgress });
    const task = runnable.spec.task;
    const { metrics, slices } = evaluationMetrics(outputs, task, dataset.info.labelColumn);
    const id = randomUUID().replaceAll('-', '');
    const row: EvaluationRow = {
      id,
      model_name: identity.modelName,
      model_version: identity.modelVersion,
      dataset_name: identity.datasetName,
      dataset_version: identity.datasetVersion,
      where_expr: identity.where,
      creation_time: this.now(),
      row_count: outputs.length,
      task,
      class_count: task === 'classification' ? (outputs.classCount ?? runnable.spec.classCount) : null,
      metrics: JSON.stringify(metrics),
      slice_metrics: JSON.stringify(slices),
      outputs_path: `evaluations/${id}.arrow`,
    };
    await writeEvaluationOutputs(this.artifacts, row.outputs_path, outputs);
    try {
      return { evaluation: await this.insert(row), computed: true };
    } catch (error) {
      await this.artifacts.delete(row.outputs_path);
      // The same evaluation finished first elsewhere: it is the answer.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.repository.findByIdentity(this.database.db, identity);
      if (!winner) throw error;
      return { evaluation: toEvaluation(winner), computed: false };
    }
  }

  async get(id: string): Promise<Evaluation> {
    const row = await this.repository.findById(this.database.db, id);
    if (!row) throw new NotFoundError(`Evaluation '${id}' does not exist`);
    return toEvaluation(row);
  }

  /** Newest first. */
  async list(filter: EvaluationsFilter = {}): Promise<Evaluation[]> {
    const rows = await this.repository.list(this.database.db, filter);
    return rows.map(toEvaluation);
  }

  /**
   * Scores the rows of an evaluation again with `transform` applied to each batch first (a
   * perturbation of some column), storing nothing: how the model behaves on rows that differ.
   */
  async scoreTransformed(
    evaluation: Evaluation,
    transform: (batch: TableBatch) => TableBatch,
  ): Promise<EvaluationOutputs> {
    const runnable = await this.registration.getRunnable(evaluation.model.name, evaluation.model.version);
    const dataset = await this.datasets.openDatasetVersion(
      evaluation.dataset.name,
      evaluation.dataset.version,
    );
    const where = parseWhere(evaluation.where, dataset.info);
    return this.score(runnable, dataset, where, { transform });
  }

  /** The per-row outputs of a stored evaluation. */
  async readOutputs(evaluation: Evaluation): Promise<EvaluationOutputs> {
    return readEvaluationOutputs(this.artifacts, evaluation.outputsPath);
  }

  /**
   * Streams the dataset through the model: each batch is filtered by `where`, scored, and its
   * outputs, label and slice membership appended to typed arrays.
   */
  private async score(
    runnable: RunnableModel,
    dataset: DatasetVersion,
    where: Expression | null,
    options: {
      onProgress?: EvaluateRequest['onProgress'];
      transform?: ((batch: TableBatch) => TableBatch) | undefined;
    },
  ): Promise<EvaluationOutputs> {
    const { onProgress, transform } = options;
    const info = dataset.info;
    const slices = info.slices.map((slice) => ({
      name: slice.name,
      expression: parseExpression(slice.predicate),
    }));
    const runner = await openRunner(runnable, info);
    try {
      const columns = new Set<string>(modelColumns(runner));
      if (info.labelColumn) columns.add(info.labelColumn);
      for (const column of where ? expressionColumns(where) : []) columns.add(column);
      for (const slice of slices)
        for (const column of expressionColumns(slice.expression)) columns.add(column);

      const accumulator = new EvaluationAccumulator(
        info.rowCount,
        runnable.spec.task,
        info.labelColumn,
        slices.map((slice) => slice.name),
      );
      let read = 0;
      for await (const batch of dataset.batches({ columns: [...columns], batchSize: BATCH_ROWS })) {
        const mask = where ? evaluateExpression(where, batch) : null;
        const count = mask ? countSelected(mask) : batch.length;
        if (count > 0) {
          const filtered = mask ? selectRows(batch, mask, count) : batch;
          const selected = transform ? transform(filtered) : filtered;
          const rows = rowNumbers(batch, mask, count);
          const predictions = await runWithRowNumbers(runner, selected, rows);
          const sliceMasks = new Map<string, Uint8Array>();
          for (const slice of slices) {
            const inSlice = evaluateExpression(slice.expression, batch);
            sliceMasks.set(slice.name, mask ? pick(inSlice, mask, count) : inSlice);
          }
          const label = info.labelColumn ? selected.columns.get(info.labelColumn) : undefined;
          accumulator.add(rows, label, predictions, sliceMasks);
        }
        read += batch.length;
        onProgress?.(read, info.rowCount);
      }
      return accumulator.finish();
    } finally {
      await runner.close();
    }
  }

  /** Stores the evaluation and its MLflow tags, if the model version still exists. */
  private async insert(row: EvaluationRow): Promise<Evaluation> {
    const evaluation = toEvaluation(row);
    await this.database.write(async (trx) => {
      const version = (await this.registry.models.lock(trx, row.model_name))
        ? await this.registry.versions.find(trx, row.model_name, row.model_version)
        : undefined;
      if (!version) throw versionNotFound(row.model_name, row.model_version);
      await this.repository.insert(trx, row);
      for (const tag of evaluationTags(evaluation)) await this.registry.versions.upsertTag(trx, version, tag);
    });
    return evaluation;
  }
}

async function openRunner(runnable: RunnableModel, info: DatasetVersionInfo): Promise<ModelRunner> {
  const runner = await prepareRunner(await runnable.readBytes(), runnable.spec, {
    defaultFeatureColumns: defaultFeatureColumns(info.schema, { id: info.idColumn, label: info.labelColumn }),
  });
  try {
    runner.checkSchema(info.schema);
  } catch (error) {
    await runner.close();
    throw error;
  }
  return runner;
}

/** The dataset columns the model reads. */
function modelColumns(runner: ModelRunner): readonly string[] {
  return runner.featureColumns ?? runner.spec.signature.inputs.map((input) => input.name);
}

function parseWhere(where: string | null | undefined, info: DatasetVersionInfo): Expression | null {
  if (where === undefined || where === null || where.trim() === '') return null;
  const expression = parseExpression(where);
  checkExpression(expression, info.schema);
  return expression;
}

/** Labels are compared as numbers: refuse a text label column before any row is scored. */
function checkLabelColumn(runnable: RunnableModel, info: DatasetVersionInfo): void {
  if (!info.labelColumn) return;
  const column = info.schema.columns.find((candidate) => candidate.name === info.labelColumn);
  if (column?.type !== 'string') return;
  const expected = runnable.spec.task === 'classification' ? 'class indices (0, 1, ...)' : 'numbers';
  throw new InvalidParameterError(
    `Label column '${info.labelColumn}' of dataset ${info.name}@${info.version} holds text; ${runnable.name}/${runnable.version} is a ${runnable.spec.task} model and needs ${expected}`,
  );
}

/**
 * Scores a batch; a bad value in a filtered batch (whose rows are no longer consecutive) is reported
 * at its row in the dataset, not its place in the batch.
 */
async function runWithRowNumbers(runner: ModelRunner, batch: TableBatch, rows: Float64Array) {
  try {
    return await runner.run(batch);
  } catch (error) {
    if (!(error instanceof ModelInputError) || error.row === null || batch.offset !== 0) throw error;
    const row = rows[error.row] ?? error.row;
    throw new ModelInputError(error.message.replace(`row ${error.row}:`, `row ${row}:`), error.column, row);
  }
}

/** The dataset row numbers of the batch's selected rows. */
function rowNumbers(batch: TableBatch, mask: Uint8Array | null, count: number): Float64Array {
  const rows = new Float64Array(count);
  for (let i = 0, j = 0; i < batch.length; i += 1) if (!mask || mask[i]) rows[j++] = batch.offset + i;
  return rows;
}

function pick(values: Uint8Array, mask: Uint8Array, count: number): Uint8Array {
  const picked = new Uint8Array(count);
  for (let i = 0, j = 0; i < mask.length; i += 1) if (mask[i]) picked[j++] = values[i] as number;
  return picked;
}

function toEvaluation(row: EvaluationRow): Evaluation {
  return {
    id: row.id,
    model: { name: row.model_name, version: row.model_version },
    dataset: { name: row.dataset_name, version: row.dataset_version },
    where: row.where_expr === '' ? null : row.where_expr,
    createdAt: row.creation_time,
    rowCount: row.row_count,
    task: row.task as Evaluation['task'],
    classCount: row.class_count,
    metrics: JSON.parse(row.metrics) as Evaluation['metrics'],
    slices: JSON.parse(row.slice_metrics) as Evaluation['slices'],
    outputsPath: row.outputs_path,
  };
}
