import type * as ApacheArrow from 'apache-arrow';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { readArtifactBytes } from '../../artifacts/read-artifact-bytes.js';
import { InvalidParameterError } from '../../errors/assay-error.js';
import type { Database } from '../../store/database.js';
import { PredictionRepository } from '../../store/prediction-repository.js';
import { LocalPredictionSink } from './local-prediction-sink.js';
import { DEFAULT_PREDICTION_LOG, type PredictionLogOptions } from './prediction-log-options.js';
import { PredictionLogThread } from './prediction-log-thread-client.js';
import { PredictionRecorder, type LogHooks } from './prediction-recorder.js';
import { BATCH_ID, newBatchId, type BatchSource } from './prediction-sink.js';
import { RemotePredictionSink, type RemoteSinkOptions } from './remote-prediction-sink.js';

export type { LogHooks, PredictionSource } from './prediction-recorder.js';
export type { BatchSource } from './prediction-sink.js';

/** Which logged predictions to read back. */
export interface PredictionQuery {
  readonly deployment: string;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly version?: number | undefined;
  readonly limit?: number | undefined;
  readonly latest?: boolean | undefined;
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

/** A batch uploaded by another serving process, as stored. */
export interface StoredBatch {
  readonly id: string;
  readonly rows: number;
  /** false: a batch with this id was stored before (a retried upload); nothing was written. */
  readonly stored: boolean;
}

/** Longest deployment or model name a batch may carry (a deployment's name has at most 256 characters). */
const MAX_NAME_LENGTH = 256;

/**
 * The prediction log of the store this process opened: it records predictions the way every
 * PredictionRecorder does (into the artifact store and the database), stores batches uploaded by
 * serving processes that opened no store (`storeBatch`), and reads the log back with its labels.
 * Each batch is one Arrow file in the artifact store, its ids indexed in the database so that
 * labels join by id.
 */
export class PredictionLog extends PredictionRecorder {
  private readonly repository: PredictionRepository;
  private readonly local: LocalPredictionSink;

  constructor(
    private readonly database: Database,
    private readonly artifacts: ArtifactStore,
    options: PredictionLogOptions = DEFAULT_PREDICTION_LOG,
    hooks: LogHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    const thread = new PredictionLogThread();
    const local = new LocalPredictionSink(database, artifacts, thread, now);
    super(local, options, hooks, thread);
    this.local = local;
    this.repository = new PredictionRepository(database.dialect);
  }

  /**
   * Stores a batch another serving process recorded and encoded (its Arrow file, as the remote
   * sink uploads it), exactly as a local flush stores one. The file is checked first (an `id`
   * column of strings, `time` and `latency_ms` of numbers, at least one row): InvalidParameterError
   * naming the problem, and nothing written, when it is not a prediction file. `id` names the
   * batch (32 hex digits): a batch already stored under it is not stored again.
   */
  async storeBatch(source: BatchSource, bytes: Uint8Array, id: string = newBatchId()): Promise<StoredBatch> {
    validateBatchSource(source);
    if (!BATCH_ID.test(id)) {
      throw new InvalidParameterError(`batch must be 32 lowercase hex digits, got '${id}'`);
    }
    const stored = await this.local.storedRows(id);
    if (stored !== null) return { id, rows: stored, stored: false };
    const file = await this.thread.inspect(bytes, await this.local.indexFor(id));
    const { deployment, modelName, modelVersion } = source;
    return {
      id,
      rows: file.rows,
      stored: await this.local.write({ ...file, id, source: { deployment, modelName, modelVersion } }),
    };
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
  async query(filter: PredictionQuery): Promise<LoggedPrediction[]> {
    const found: LoggedPrediction[] = [];
    for await (const page of this.pages(filter)) found.push(...page);
    return filter.latest === true ? found.reverse() : found;
  }

  /**
   * The same predictions, one stored batch at a time, so that a large result is never held
   * whole (the API streams them). With `latest`, newest first.
   */
  async *pages(filter: PredictionQuery): AsyncGenerator<LoggedPrediction[]> {
    const limit = filter.limit ?? 1000;
    const arrow = await loadArrow();
    const batches = await this.repository.batches(this.database.db, filter);
    const latest = filter.latest === true;
    let count = 0;
    for (const batch of latest ? [...batches].reverse() : batches) {
      if (count >= limit) return;
      const table = arrow.tableFromIPC(await readArtifactBytes(this.artifacts, batch.artifact_path));
      const names = table.schema.fields.map((field) => field.name);
      const columns = names.map((name) => table.getChild(name)?.toArray() as ArrayLike<unknown>);
      const at = (name: string) => columns[names.indexOf(name)] as ArrayLike<unknown>;
      const ids = at('id');
      const times = at('time');
      const latencies = at('latency_ms');
      const chosen: number[] = [];
      for (let step = 0; step < table.numRows && count + chosen.length < limit; step += 1) {
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
      const page = chosen.map((row): LoggedPrediction => {
        const id = String(ids[row]);
        const inputs: Record<string, number | string> = {};
        const outputs: Record<string, number | string> = {};
        names.forEach((name, c) => {
          const value = (columns[c] as ArrayLike<unknown>)[row] as number | string;
          if (name.startsWith('in.')) inputs[name.slice(3)] = value;
          else if (name.startsWith('out.')) outputs[name.slice(4)] = value;
        });
        const label = labels.get(id);
        return {
          id,
          deployment: batch.deployment,
          model: batch.model_name,
          version: batch.model_version,
          time: times[row] as number,
          latency_ms: latencies[row] as number,
          inputs,
          outputs,
          label: label === undefined ? null : (JSON.parse(label) as unknown),
        };
      });
      count += page.length;
      if (page.length > 0) yield page;
    }
  }
}

/** Arrow loads on the first query, not with every process that opens a context. */
async function loadArrow(): Promise<typeof ApacheArrow> {
  return (await import('../../datasets/arrow/apache-arrow.js')).arrow;
}

/**
 * A recorder for a serving process that opened no store (`assay serve --uri`): its batches are
 * uploaded to the Assay server at `serverUrl`, which stores them; labels and queries go to that
 * server. An upload that still fails after its retries is reported through `hooks.onFlushError`.
 */
export function remotePredictionRecorder(
  serverUrl: string,
  options: PredictionLogOptions = DEFAULT_PREDICTION_LOG,
  hooks: LogHooks = {},
  remote: RemoteSinkOptions = {},
): PredictionRecorder {
  return new PredictionRecorder(new RemotePredictionSink(serverUrl, remote), options, hooks);
}

/** A batch's source as another process sent it: InvalidParameterError naming the field otherwise. */
export function validateBatchSource(source: BatchSource): void {
  const name = (field: string, value: unknown): void => {
    if (typeof value !== 'string' || value === '') throw new InvalidParameterError(`${field} is required`);
    if (value.length > MAX_NAME_LENGTH) {
      throw new InvalidParameterError(
        `${field} is ${value.length} characters long; at most ${MAX_NAME_LENGTH}`,
      );
    }
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new InvalidParameterError(`${field} contains control characters`);
  };
  name('deployment', source.deployment);
  name('model', source.modelName);
  const version = source.modelVersion;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new InvalidParameterError(`version must be a positive integer, got '${String(version)}'`);
  }
}
