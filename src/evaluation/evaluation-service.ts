import { randomUUID } from 'node:crypto';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { DatasetVersionInfo } from '../datasets/dataset-entities.js';
import type { DatasetsService } from '../datasets/datasets-service.js';
import type { TableBatch } from '../datasets/dataset-table.js';
import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import { checkExpression } from '../expression/expression-check.js';
import type { Expression } from '../expression/expression-ast.js';
import { formatExpression } from '../expression/expression-format.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { ModelRegistrationService, RunnableModel } from '../registry/model-registration-service.js';
import { versionNotFound } from '../registry/registry-errors.js';
import { RegistryStore } from '../registry/registry-store.js';
import { defaultFeatureColumns } from '../runtime/feature-columns.js';
import type { ModelRunner } from '../runtime/model-runner.js';
import { defaultScoringWorkers, type ScoringThreads } from '../runtime/parallel/scoring-threads.js';
import type { Database } from '../store/database.js';
import { isUniqueViolation } from '../store/db-errors.js';
import { EvaluationRepository, type EvaluationRow } from '../store/evaluation-repository.js';
import type { Evaluation } from './evaluation-entities.js';
import type { EvaluationMetrics } from './evaluation-metrics.js';
import { EvaluationMetricsCollector } from './evaluation-metrics-collector.js';
import type { EvaluationOutputs, EvaluationOutputsWriter } from './evaluation-outputs.js';
import { evaluationTags } from './evaluation-tags.js';
import { scoreDataset } from './score-dataset.js';

export interface EvaluateRequest {
  readonly model: { readonly name: string; readonly version: number };
  readonly dataset: { readonly name: string; readonly version: number | 'latest' };
  /** A row filter in the expression language; null or '' for every row. */
  readonly where?: string | null | undefined;
  /** Called as rows are done (read, scored and their outputs kept), with the dataset's row count. */
  readonly onProgress?: ((rowsDone: number, totalRows: number) => void) | undefined;
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
    /** The process's scoring threads: kept between evaluations, started before the model is read. */
    private readonly threads: ScoringThreads,
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
    // The scoring threads start now, and get the model as soon as it is read: they load it while
    // this thread loads the code that reads and writes Arrow files.
    this.threads.warm(defaultScoringWorkers());
    const runner = await openRunner(runnable, dataset.info, this.threads);
    const task = runnable.spec.task;
    const id = randomUUID().replaceAll('-', '');
    const outputsPath = `evaluations/${id}.arrow`;
    const metrics = new EvaluationMetricsCollector(task, dataset.info.labelColumn, dataset.info.rowCount);
    let writer: EvaluationOutputsWriter | null = null;
    let outputs: EvaluationOutputs;
    let computed: EvaluationMetrics;
    try {
      try {
        // The outputs file is written as batches are scored; it is complete soon after the last.
        // Its code, with Arrow, loads on first use, not at every process's start-up.
        const { EvaluationOutputsWriter } = await import('./evaluation-outputs.js');
        const opened = new EvaluationOutputsWriter(this.artifacts, outputsPath);
        writer = opened;
        outputs = await scoreDataset(runner, dataset, {
          where,
          onProgress: request.onProgress,
          onCollected: (collected, from, to) => {
            metrics.collect(collected, from, to);
            return opened.append(collected, from, to);
          },
        });
      } finally {
        await runner.close();
      }
      const finishing = writer.finish(outputs);
      finishing.catch(() => undefined); // awaited below, after the metrics
      computed = metrics.finish(outputs);
      await finishing;
    } catch (error) {
      await writer?.abort(error instanceof Error ? error : new Error(String(error)));
      await this.artifacts.delete(outputsPath);
      throw error;
    }
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
      metrics: JSON.stringify(computed.metrics),
      slice_metrics: JSON.stringify(computed.slices),
      outputs_path: outputsPath,
    };
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
   * Scores the rows of an evaluation again, once per transform, with the transform applied to each
   * batch first (a perturbation of some column), storing nothing: how the model behaves on rows
   * that differ. The model is loaded once for all of them; `onStart` is told which one begins.
   */
  async scoreTransformed(
    evaluation: Evaluation,
    transforms: readonly ((batch: TableBatch) => TableBatch)[],
    onStart?: (index: number) => void,
  ): Promise<EvaluationOutputs[]> {
    if (transforms.length === 0) return [];
    const runnable = await this.registration.getRunnable(evaluation.model.name, evaluation.model.version);
    const dataset = await this.datasets.openDatasetVersion(
      evaluation.dataset.name,
      evaluation.dataset.version,
    );
    const where = parseWhere(evaluation.where, dataset.info);
    this.threads.warm(defaultScoringWorkers());
    const runner = await openRunner(runnable, dataset.info, this.threads);
    try {
      const outputs: EvaluationOutputs[] = [];
      for (const [index, transform] of transforms.entries()) {
        onStart?.(index);
        outputs.push(await scoreDataset(runner, dataset, { where, transform }));
      }
      return outputs;
    } finally {
      await runner.close();
    }
  }

  /** The per-row outputs of a stored evaluation. */
  async readOutputs(evaluation: Evaluation): Promise<EvaluationOutputs> {
    const { readEvaluationOutputs } = await import('./evaluation-outputs.js');
    return readEvaluationOutputs(this.artifacts, evaluation.outputsPath);
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

async function openRunner(
  runnable: RunnableModel,
  info: DatasetVersionInfo,
  threads: ScoringThreads,
): Promise<ModelRunner> {
  // Loaded on first use: onnxruntime's native library costs every process that never evaluates.
  const { prepareParallelRunner } = await import('../runtime/parallel/parallel-runner.js');
  const runner = await prepareParallelRunner(await runnable.readBytes(), runnable.spec, {
    defaultFeatureColumns: defaultFeatureColumns(info.schema, { id: info.idColumn, label: info.labelColumn }),
    threads,
  });
  try {
    runner.checkSchema(info.schema);
  } catch (error) {
    await runner.close();
    throw error;
  }
  return runner;
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
