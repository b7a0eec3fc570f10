import type { DatasetsService } from '../datasets/datasets-service.js';
import type { Column, TableBatch } from '../datasets/dataset-table.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Evaluation } from '../evaluation/evaluation-entities.js';
import type { EvaluationOutputs } from '../evaluation/evaluation-outputs.js';
import type { EvaluationService } from '../evaluation/evaluation-service.js';
import { diffReport, evaluatedSide, type DiffReport } from './diff-report.js';

export interface ModelVersionRef {
  readonly name: string;
  readonly version: number;
}

export interface DiffRequest {
  readonly a: ModelVersionRef;
  readonly b: ModelVersionRef;
  readonly dataset: { readonly name: string; readonly version: number | 'latest' };
  readonly where?: string | null | undefined;
  /** Decision thresholds on the positive class's probability (DEFAULT_THRESHOLDS when empty). */
  readonly thresholds?: readonly number[] | undefined;
  /** How many of the rows that moved most to return, with their inputs (DEFAULT_TOP). */
  readonly top?: number | undefined;
  /** Progress of evaluating a side that was not evaluated yet. */
  readonly onProgress?: ((side: 'a' | 'b', rowsRead: number, totalRows: number) => void) | undefined;
}

/** What each version said about a row. */
export interface RowOutputs {
  readonly label?: number;
  readonly probabilities?: number[];
  readonly value?: number;
}

export interface MovedRowDetail {
  /** Row number in the dataset. */
  readonly row: number;
  readonly id: string | number | boolean | null;
  readonly inputs: Record<string, string | number | boolean | null>;
  readonly label: number | null;
  readonly a: RowOutputs;
  readonly b: RowOutputs;
}

export interface Diff {
  readonly a: Evaluation;
  readonly b: Evaluation;
  readonly thresholds: readonly number[];
  readonly report: DiffReport;
  readonly top: readonly MovedRowDetail[];
}

export const DEFAULT_THRESHOLDS: readonly number[] = [0.5, 0.7, 0.9];
const DEFAULT_TOP = 20;
const MAX_TOP = 10_000;

/**
 * How two model versions behave differently on the same rows: evaluates each (reusing stored
 * evaluations), compares their per-row outputs, and reads the inputs of the rows that moved most.
 */
export class DiffService {
  constructor(
    private readonly evaluations: EvaluationService,
    private readonly datasets: DatasetsService,
  ) {}

  async diff(request: DiffRequest): Promise<Diff> {
    const thresholds = checkThresholds(request.thresholds);
    const top = request.top ?? DEFAULT_TOP;
    if (!Number.isSafeInteger(top) || top < 0 || top > MAX_TOP) {
      throw new InvalidParameterError(`top must be an integer from 0 to ${MAX_TOP}, got ${top}`);
    }
    // The dataset version is pinned first, so that both sides score the very same rows.
    const info = await this.datasets.getDatasetVersion(request.dataset.name, request.dataset.version);
    const dataset = { name: info.name, version: info.version };
    const side = (model: ModelVersionRef, name: 'a' | 'b') =>
      this.evaluations.evaluate({
        model,
        dataset,
        where: request.where,
        onProgress: request.onProgress && ((read, total) => request.onProgress?.(name, read, total)),
      });
    const a = (await side(request.a, 'a')).evaluation;
    const b = (await side(request.b, 'b')).evaluation;
    if (a.task !== b.task) {
      throw new InvalidParameterError(
        `${a.model.name}/${a.model.version} is a ${a.task} model and ${b.model.name}/${b.model.version} a ${b.task} model: they cannot be compared`,
      );
    }
    const [outputsA, outputsB] = await Promise.all([
      this.evaluations.readOutputs(a),
      this.evaluations.readOutputs(b),
    ]);
    const report = diffReport(
      evaluatedSide(a, outputsA),
      evaluatedSide(b, outputsB),
      a.task,
      thresholds,
      top,
    );
    const positions = report.top.map((moved) => moved.row);
    const rows = await this.movedRows(info.name, info.version, positions, outputsA, outputsB);
    return { a, b, thresholds, report, top: rows };
  }

  private async movedRows(
    name: string,
    version: number,
    positions: readonly number[],
    a: EvaluationOutputs,
    b: EvaluationOutputs,
  ): Promise<MovedRowDetail[]> {
    if (positions.length === 0) return [];
    const dataset = await this.datasets.openDatasetVersion(name, version);
    const { idColumn, labelColumn } = dataset.info;
    const rowNumbers = positions.map((position) => a.rows[position] as number);
    const batch = await dataset.readRows(rowNumbers);
    return positions.map((position, i) => {
      const inputs: Record<string, string | number | boolean | null> = {};
      for (const column of batch.columns.values()) {
        if (column.name !== idColumn && column.name !== labelColumn) inputs[column.name] = cell(column, i);
      }
      const truth = a.truth?.[position];
      return {
        row: rowNumbers[i] as number,
        id: idColumn ? cell(columnOf(batch, idColumn), i) : null,
        inputs,
        label: truth === undefined || Number.isNaN(truth) ? null : truth,
        a: rowOutputs(a, position),
        b: rowOutputs(b, position),
      };
    });
  }
}

function checkThresholds(thresholds: readonly number[] | undefined): readonly number[] {
  if (!thresholds || thresholds.length === 0) return DEFAULT_THRESHOLDS;
  for (const threshold of thresholds) {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
      throw new InvalidParameterError(`threshold must be a number from 0 to 1, got ${String(threshold)}`);
    }
  }
  return [...new Set(thresholds)].sort((x, y) => x - y);
}

function rowOutputs(outputs: EvaluationOutputs, position: number): RowOutputs {
  if (outputs.values) return { value: outputs.values[position] as number };
  const classCount = outputs.classCount ?? 0;
  return {
    label: outputs.labels?.[position] as number,
    ...(outputs.probabilities && classCount > 0
      ? {
          probabilities: Array.from(
            outputs.probabilities.subarray(position * classCount, (position + 1) * classCount),
          ),
        }
      : {}),
  };
}

function columnOf(batch: TableBatch, name: string): Column {
  const column = batch.columns.get(name);
  if (!column) throw new Error(`column '${name}' missing from the rows read`);
  return column;
}

function cell(column: Column, index: number): string | number | boolean | null {
  const { values } = column;
  if (values instanceof Float64Array) {
    const value = values[index] as number;
    return Number.isNaN(value) ? null : value;
  }
  if (values instanceof Uint8Array) {
    if (column.valid && !column.valid[index]) return null;
    return values[index] === 1;
  }
  return values[index] ?? null;
}
