import type * as ApacheArrow from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { readArtifactBytes } from '../../artifacts/read-artifact-bytes.js';
import { InvalidParameterError } from '../../errors/assay-error.js';
import type { Database } from '../../store/database.js';
import { PredictionRepository } from '../../store/prediction-repository.js';
import { predictionColumns, type PredictionRecord } from './prediction-columns.js';
import { DEFAULT_PREDICTION_LOG, type PredictionLogOptions } from './prediction-log-options.js';

/** Who a record's predictions came from. */
export interface PredictionSource {
  /** The served name clients used. */
  readonly deployment: string;
  readonly modelName: string;
  readonly modelVersion: number;
  /** Feature names of a tensor-mode model's single input, to name its columns. */
  readonly featureNames: ReadonlyMap<string, readonly string[]>;
}

export interface LogHooks {
  /** Records dropped because the buffer was full (their rows). */
  readonly onDropped?: (rows: number) => void;
  /** A flush failed: the records it held are lost, serving goes on. */
  readonly onFlushError?: (error: unknown) => void;
}

interface Pending {
  readonly source: PredictionSource;
  readonly records: PredictionRecord[];
  rows: number;
}

/** A logged prediction read back, with its label when one was sent. */
export interface LoggedPrediction {
  readonly id: string;
  readonly deployment: string;
  readonly model: string;
  readonly version: number;
  readonly time: number;
  readonly latency_ms: number;
  readonly inputs: Record<string, number | string>;
  readonly outputs: Record<string, number | string>;
  readonly label: unknown;
}

/**
 * The prediction log: every served prediction with its id, inputs, outputs, version, time and
 * latency, appended off the response path. `record` only queues references (no copy, no encoding);
 * flushes run in the background, write each batch as one Arrow file to the artifact store and index
 * its ids in the database. The buffer is bounded: when it is full, records are dropped and counted,
 * never blocking serving or growing memory. `close` flushes what is left (SIGTERM).
 */
export class PredictionLog {
  private readonly repository: PredictionRepository;
  private readonly pending = new Map<string, Pending>();
  private buffered = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private sampled = 0;
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly artifacts: ArtifactStore,
    private readonly options: PredictionLogOptions = DEFAULT_PREDICTION_LOG,
    private readonly hooks: LogHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    this.repository = new PredictionRepository(database.dialect);
  }

  /** Queues one request's predictions (its tensors must not change afterwards). */
  record(source: PredictionSource, record: PredictionRecord): void {
    if (this.closed || !this.sample()) return;
    const rows = record.inputs[0]?.dims[0] ?? 0;
    if (this.buffered + rows > this.options.maxBufferedRows) {
      this.hooks.onDropped?.(rows);
      return;
    }
    const key = `${source.deployment}\u0000${source.modelVersion}`;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = { source, records: [], rows: 0 };
      this.pending.set(key, pending);
    }
    pending.records.push(record);
    pending.rows += rows;
    this.buffered += rows;
    if (pending.rows >= this.options.flushRows) this.scheduleFlush(0);
    else this.scheduleFlush(this.options.flushIntervalMs);
  }

  /** Writes everything queued so far; resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending.values()];
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      for (const batch of batches) {
        try {
          await this.write(batch);
        } catch (error) {
          this.hooks.onFlushError?.(error);
        } finally {
          this.buffered -= batch.rows;
        }
      }
    });
    await this.flushing;
  }

  /** Stops taking records and flushes what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /**
   * Labels joined to predictions by id, accepted before or after their predictions are flushed
   * (a later label for the same id replaces the earlier). Returns the ids not logged (yet).
   */
  async addLabels(
    labels: readonly { id: unknown; label: unknown }[],
  ): Promise<{ accepted: number; unknown: string[] }> {
    const time = this.now();
    const rows = labels.map((entry, i) => {
      if (typeof entry?.id !== 'string' || entry.id === '') {
        throw new InvalidParameterError(`labels[${i}].id must be a non-empty string`);
      }
      if (entry.label === undefined) throw new InvalidParameterError(`labels[${i}].label is missing`);
      return { prediction_id: entry.id, label: JSON.stringify(entry.label), time };
    });
    const ids = rows.map((row) => row.prediction_id);
    let known = new Set<string>();
    await this.database.write(async (trx) => {
      await this.repository.upsertLabels(trx, rows);
      known = await this.repository.knownIds(trx, ids);
    });
    return { accepted: rows.length, unknown: ids.filter((id) => !known.has(id)) };
  }

  /**
   * Logged predictions of a deployment, oldest first, with their labels: the first `limit` in the
   * window, or with `latest` the last `limit` (what `assay predictions tail` shows).
   */
  async query(filter: {
    deployment: string;
    from?: number | undefined;
    to?: number | undefined;
    version?: number | undefined;
    limit?: number | undefined;
    latest?: boolean | undefined;
  }): Promise<LoggedPrediction[]> {
    const limit = filter.limit ?? 1000;
    const arrow = await loadArrow();
    const batches = await this.repository.batches(this.database.db, filter);
    const found: LoggedPrediction[] = [];
    const latest = filter.latest === true;
    for (const batch of latest ? [...batches].reverse() : batches) {
      const table = arrow.tableFromIPC(await readArtifactBytes(this.artifacts, batch.artifact_path));
      const names = table.schema.fields.map((field) => field.name);
      const columns = names.map((name) => table.getChild(name)?.toArray() as ArrayLike<unknown>);
      const at = (name: string) => columns[names.indexOf(name)] as ArrayLike<unknown>;
      const ids = at('id');
      const times = at('time');
      const latencies = at('latency_ms');
      const chosen: number[] = [];
      for (let step = 0; step < table.numRows && found.length + chosen.length < limit; step += 1) {
        const row = latest ? table.numRows - 1 - step : step;
        const time = times[row] as number;
        if (
          (filter.from !== undefined && time < filter.from) ||
          (filter.to !== undefined && time > filter.to)
        )
          continue;
        chosen.push(row);
      }
      const labels = await this.repository.labels(
        this.database.db,
        chosen.map((row) => String(ids[row])),
      );
      for (const row of chosen) {
        const id = String(ids[row]);
        const inputs: Record<string, number | string> = {};
        const outputs: Record<string, number | string> = {};
        names.forEach((name, c) => {
          const value = (columns[c] as ArrayLike<unknown>)[row] as number | string;
          if (name.startsWith('in.')) inputs[name.slice(3)] = value;
          else if (name.startsWith('out.')) outputs[name.slice(4)] = value;
        });
        const label = labels.get(id);
        found.push({
          id,
          deployment: batch.deployment,
          model: batch.model_name,
          version: batch.model_version,
          time: times[row] as number,
          latency_ms: latencies[row] as number,
          inputs,
          outputs,
          label: label === undefined ? null : (JSON.parse(label) as unknown),
        });
      }
      if (found.length >= limit) break;
    }
    return latest ? found.reverse() : found;
  }

  private sample(): boolean {
    const rate = this.options.sampleRate;
    if (rate >= 1) return true;
    if (rate <= 0) return false;
    // Deterministic: every 1/rate-th request, so that a rate's share holds over any window.
    this.sampled += rate;
    if (this.sampled >= 1) {
      this.sampled -= 1;
      return true;
    }
    return false;
  }

  private scheduleFlush(delayMs: number): void {
    if (this.timer !== null && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  private async write(batch: Pending): Promise<void> {
    const { source, records } = batch;
    const { rows, ids, times, columns } = predictionColumns(records, source.featureNames);
    if (rows === 0) return;
    let first = Infinity;
    let last = -Infinity;
    for (const time of times) {
      first = Math.min(first, time);
      last = Math.max(last, time);
    }
    const arrow = await loadArrow();
    const table = arrow.tableFromArrays(
      Object.fromEntries(columns) as Record<string, Float64Array | string[]>,
    );
    const bytes = arrow.tableToIPC(table, 'file');
    const id = randomUUID().replaceAll('-', '');
    const path = `predictions/${encodeURIComponent(source.deployment)}/${id}.arrow`;
    await this.artifacts.write(
      path,
      Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]),
      {
        maxBytes: Number.MAX_SAFE_INTEGER,
      },
    );
    try {
      await this.database.write(async (trx) => {
        await this.repository.insertBatch(
          trx,
          {
            id,
            deployment: source.deployment,
            model_name: source.modelName,
            model_version: source.modelVersion,
            first_time: first,
            last_time: last,
            row_count: rows,
            artifact_path: path,
            creation_time: this.now(),
          },
          ids,
          times,
        );
      });
    } catch (error) {
      await this.artifacts.delete(path);
      throw error;
    }
  }
}

/** Arrow loads on the first flush or query, not with every process that opens a context. */
async function loadArrow(): Promise<typeof ApacheArrow> {
  return (await import('../../datasets/arrow/apache-arrow.js')).arrow;
}
