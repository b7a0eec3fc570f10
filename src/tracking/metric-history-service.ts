import { InvalidParameterError } from '../errors/assay-error.js';
import { invalidParameterMessage } from '../errors/request-messages.js';
import type { Database } from '../store/database.js';
import { MetricRepository, type HistoryCursor } from '../store/metric-repository.js';
import type { Metric } from './entities.js';
import { LIMITS } from './limits.js';
import { sampledSteps } from './step-sampling.js';

export interface MetricWithRunId extends Metric {
  readonly runId: string;
}

export interface BulkIntervalInput {
  runIds: readonly string[];
  metricKey: string;
  startStep?: number | undefined;
  endStep?: number | undefined;
  maxResults?: number | undefined;
}

/** Reads of metric histories: paged per run, or sampled across runs for charts. */
export class MetricHistoryService {
  private readonly metrics: MetricRepository;

  constructor(private readonly database: Database) {
    this.metrics = new MetricRepository(database.dialect);
  }

  /**
   * One page of a metric's history in (step, timestamp) order, as the JSON text of MLflow's metric
   * list (see MetricRepository.historyPageJson for why the database writes it). Pages are keyed by
   * the last point (not an offset), so reading a million points page by page stays linear.
   */
  async getHistoryPage(
    runId: string,
    key: string,
    maxResults?: number,
    pageToken?: string,
  ): Promise<{ metricsJson: string; count: number; nextPageToken: string | null }> {
    const limit = maxResults ?? LIMITS.metricHistoryMaxResults;
    if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.metricHistoryMaxResults) {
      throw new InvalidParameterError(invalidParameterMessage('max_results', limit));
    }
    const cursor = pageToken ? decodeHistoryToken(pageToken) : null;
    const page = await this.metrics.historyPageJson(this.database.db, runId, key, limit, cursor);
    return {
      metricsJson: page.json,
      count: page.count,
      nextPageToken: page.next ? encodeHistoryToken(page.next) : null,
    };
  }

  /**
   * Up to `maxResults` points per run at evenly spaced steps (plus each run's last step), so a chart
   * of many long runs needs one request. Semantics of MLflow's get-history-bulk-interval.
   */
  async getBulkInterval(input: BulkIntervalInput): Promise<MetricWithRunId[]> {
    if (input.runIds.length === 0) {
      throw new InvalidParameterError(
        'GetMetricHistoryBulkInterval request must specify at least one run_id.',
      );
    }
    if (input.runIds.length > LIMITS.bulkIntervalMaxRuns) {
      throw new InvalidParameterError(
        `GetMetricHistoryBulkInterval request must specify at most ${LIMITS.bulkIntervalMaxRuns} run_ids. Received ${input.runIds.length} run_ids.`,
      );
    }
    const maxResults = input.maxResults ?? LIMITS.bulkIntervalMaxResults;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > LIMITS.bulkIntervalMaxResults) {
      throw new InvalidParameterError(`max_results must be between 1 and ${LIMITS.bulkIntervalMaxResults}.`);
    }
    const { startStep, endStep } = input;
    if ((startStep === undefined) !== (endStep === undefined)) {
      throw new InvalidParameterError(
        'If either start step or end step are specified, both must be specified.',
      );
    }
    const db = this.database.db;
    let steps: Set<number>;
    if (startStep !== undefined && endStep !== undefined) {
      if (endStep < startStep) {
        throw new InvalidParameterError(
          `end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`,
        );
      }
      steps = new Set([...sampledSteps(startStep, endStep, maxResults), endStep]);
    } else {
      const maxSteps = await this.metrics.maxSteps(db, input.runIds, input.metricKey);
      const overallMax = Math.max(0, ...maxSteps.values());
      steps = new Set([...sampledSteps(0, overallMax, maxResults), ...maxSteps.values()]);
    }
    const stepList = [...steps].sort((a, b) => a - b);
    const result: MetricWithRunId[] = [];
    for (const runId of input.runIds) {
      const points = await this.metrics.pointsAtSteps(
        db,
        runId,
        input.metricKey,
        stepList,
        LIMITS.metricHistoryMaxResults,
      );
      for (const point of points) result.push({ ...point, runId });
    }
    return result;
  }
}

function encodeHistoryToken(cursor: HistoryCursor): string {
  // Non-finite values do not survive JSON as numbers: carry the value as text.
  const payload = {
    step: cursor.step,
    timestamp: cursor.timestamp,
    value: String(cursor.value),
    is_nan: cursor.isNan,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function decodeHistoryToken(token: string): HistoryCursor {
  try {
    const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const cursor = {
      step: Number(payload.step),
      timestamp: Number(payload.timestamp),
      value: Number(payload.value),
      isNan: Number(payload.is_nan),
    };
    const valid =
      Number.isSafeInteger(cursor.step) &&
      Number.isSafeInteger(cursor.timestamp) &&
      typeof payload.value === 'string' &&
      !Number.isNaN(cursor.value) &&
      (cursor.isNan === 0 || cursor.isNan === 1);
    if (valid) return cursor;
  } catch {
    // fall through to the error below
  }
  throw new InvalidParameterError(`Invalid page token '${token}'`);
}
