import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { openAssay, type AssayContext } from '../../src/context.js';
import type { NamedTensor } from '../../src/serving/named-tensor.js';
import { LocalPredictionSink } from '../../src/serving/prediction-log/local-prediction-sink.js';
import {
  DEFAULT_PREDICTION_LOG,
  type PredictionLogOptions,
} from '../../src/serving/prediction-log/prediction-log-options.js';
import { PredictionLog, type PredictionSource } from '../../src/serving/prediction-log/prediction-log.js';
import { PredictionLogThread } from '../../src/serving/prediction-log/prediction-log-thread-client.js';
import { PredictionRecorder } from '../../src/serving/prediction-log/prediction-recorder.js';
import { describeEachStore, type FreshStore } from '../helpers/stores.js';

const source = (deployment: string, extra: Partial<PredictionSource> = {}): PredictionSource => ({
  deployment,
  modelName: 'model',
  modelVersion: 1,
  featureNames: new Map(),
  ...extra,
});

/** A request of `rows` rows with one float32 input of `width` values per row and one float32 output. */
function request(rows: number, width = 2, seed = 0): { inputs: NamedTensor[]; outputs: NamedTensor[] } {
  return {
    inputs: [
      {
        name: 'x',
        type: 'float32',
        dims: [rows, width],
        data: Float32Array.from({ length: rows * width }, (_, k) => seed + k),
      },
    ],
    outputs: [
      { name: 'y', type: 'float32', dims: [rows], data: Float32Array.from({ length: rows }, () => 0.5) },
    ],
  };
}

describeEachStore(
  'the prediction log, flushed by its thread',
  async (store) => {
    const assay = await openAssay({ store: store.storeUri, artifacts: store.artifactsDir });
    return { assay, store, close: () => assay.close() };
  },
  (get) => {
    let assay: AssayContext;
    let store: FreshStore;
    beforeAll(() => {
      ({ assay, store } = get());
    });
    const newLog = (options: Partial<PredictionLogOptions> = {}, hooks = {}) =>
      new PredictionLog(
        assay.database,
        assay.artifactStore,
        { ...DEFAULT_PREDICTION_LOG, ...options },
        hooks,
      );
    const ids = async (log: PredictionLog, deployment: string) =>
      (await log.query({ deployment })).map((row) => row.id);
    const batchCount = async (deployment: string) =>
      (
        await assay.database.db
          .selectFrom('prediction_batches')
          .select('id')
          .where('deployment', '=', deployment)
          .execute()
      ).length;

    it("a source's own sample rate overrides the log's, each source sampled on its own", async () => {
      const log = newLog({ sampleRate: 1 });
      const half = source('s-half', { sampleRate: 0.5 });
      const none = source('s-none', { sampleRate: 0 });
      const all = source('s-all');
      for (let i = 0; i < 6; i += 1) {
        for (const each of [half, none, all]) {
          log.record(each, { id: `${each.deployment}-${i}`, time: i, latencyMs: 1, ...request(1) });
        }
      }
      await log.close();
      expect(await ids(log, 's-half')).toEqual(['s-half-1', 's-half-3', 's-half-5']);
      expect(await ids(log, 's-none')).toEqual([]);
      expect(await ids(log, 's-all')).toHaveLength(6);
      // The log's own rate applies to the sources that name none.
      const quarter = newLog({ sampleRate: 0.25 });
      for (let i = 0; i < 8; i += 1) {
        quarter.record(source('s-q'), { id: `q-${i}`, time: i, latencyMs: 1, ...request(1) });
        quarter.record(source('s-q2', { sampleRate: 1 }), {
          id: `q2-${i}`,
          time: i,
          latencyMs: 1,
          ...request(1),
        });
      }
      await quarter.close();
      expect(await ids(quarter, 's-q')).toEqual(['q-3', 'q-7']);
      expect(await ids(quarter, 's-q2')).toHaveLength(8);
    });

    it('indexes every row id of a flushed batch, multi-row requests as id:i', async () => {
      const log = newLog();
      log.record(source('idx'), { id: 'one', time: 5, latencyMs: 1, ...request(1) });
      log.record(source('idx'), { id: 'many', time: 6, latencyMs: 1, ...request(1200, 2, 10) });
      await log.close();
      const index = await assay.database.db
        .selectFrom('prediction_index')
        .innerJoin('prediction_batches', 'prediction_batches.id', 'prediction_index.batch_id')
        .select(['prediction_index.id', 'prediction_index.row_index', 'prediction_index.time'])
        .where('prediction_batches.deployment', '=', 'idx')
        .orderBy('prediction_index.row_index')
        .execute();
      expect(index).toHaveLength(1201);
      expect(index.slice(0, 3).map((row) => [row.id, Number(row.row_index), Number(row.time)])).toEqual([
        ['one', 0, 5],
        ['many:0', 1, 6],
        ['many:1', 2, 6],
      ]);
      expect(index[1200]?.id).toBe('many:1199');
      const rows = await log.query({ deployment: 'idx', limit: 2000 });
      expect(rows[1200]).toMatchObject({ id: 'many:1199', inputs: { 'x.[0]': 2408, 'x.[1]': 2409 } });
      expect(await log.addLabels([{ id: 'many:1199', label: 1 }])).toEqual({ accepted: 1, unknown: [] });
    });

    it('logs every tensor type as plain columns; rows wider than 64 values as base64 of their bytes', async () => {
      const log = newLog();
      const wide = Uint8Array.from({ length: 70 }, (_, k) => k);
      log.record(source('types'), {
        id: 'grüße-😀',
        time: 1,
        latencyMs: 1,
        inputs: [
          { name: 'half', type: 'float16', dims: [1, 2], data: Uint16Array.of(0x3c00, 0xc000) },
          { name: 'flag', type: 'bool', dims: [1], data: Uint8Array.of(1) },
          { name: 'count', type: 'int64', dims: [1], data: BigInt64Array.of(-7n) },
          { name: 'big', type: 'uint64', dims: [1], data: BigUint64Array.of(9n) },
          { name: 'small', type: 'int8', dims: [1], data: Int8Array.of(-3) },
          { name: 'word', type: 'string', dims: [1, 2], data: ['red', 'grün'] },
          { name: 'image', type: 'uint8', dims: [1, 70], data: wide },
        ],
        outputs: [{ name: 'score', type: 'float64', dims: [1, 1], data: Float64Array.of(0.125) }],
      });
      await log.close();
      const [row] = await log.query({ deployment: 'types' });
      expect(row?.id).toBe('grüße-😀');
      expect(await log.addLabels([{ id: 'grüße-😀', label: 1 }])).toEqual({ accepted: 1, unknown: [] });
      expect(row?.inputs).toEqual({
        'half.[0]': 1,
        'half.[1]': -2,
        flag: 1,
        count: -7,
        big: 9,
        small: -3,
        'word.[0]': 'red',
        'word.[1]': 'grün',
        image: Buffer.from(wide).toString('base64'),
      });
      expect(row?.outputs).toEqual({ score: 0.125 });
    });

    it('a request whose tensors change shape starts a batch of its own; both are read back', async () => {
      const log = newLog();
      log.record(source('shapes'), { id: 'w2', time: 1, latencyMs: 1, ...request(1, 2) });
      log.record(source('shapes'), { id: 'w3', time: 2, latencyMs: 1, ...request(1, 3) });
      log.record(source('shapes'), { id: 'w3b', time: 3, latencyMs: 1, ...request(1, 3) });
      await log.close();
      expect(await batchCount('shapes')).toBe(2);
      const rows = await log.query({ deployment: 'shapes' });
      expect(rows.map((row) => [row.id, Object.keys(row.inputs).length])).toEqual([
        ['w2', 2],
        ['w3', 3],
        ['w3b', 3],
      ]);
    });

    it('bounds the buffer in bytes too, and closes a batch once its file would be large', async () => {
      const dropped: number[] = [];
      const bytesBound = newLog(
        { maxBufferedBytes: 3 * 1000 * 4, flushIntervalMs: 60_000 },
        { onDropped: (rows: number) => dropped.push(rows) },
      );
      for (let i = 0; i < 4; i += 1) {
        bytesBound.record(source('bytes'), { id: `b-${i}`, time: i, latencyMs: 1, ...request(1, 999) });
      }
      expect(dropped).toEqual([1]);
      await bytesBound.close();
      expect(await ids(bytesBound, 'bytes')).toEqual(['b-0', 'b-1', 'b-2']);

      const small = newLog({ maxBatchBytes: 4096, flushIntervalMs: 60_000 });
      for (let i = 0; i < 10; i += 1) {
        small.record(source('split'), { id: `s-${i}`, time: i, latencyMs: 1, ...request(1, 60) });
      }
      await small.close();
      expect(await batchCount('split')).toBeGreaterThan(1);
      expect(await ids(small, 'split')).toHaveLength(10);
    });

    it('a batch that cannot be stored is counted lost, leaves no file, and the log goes on', async () => {
      const errors: unknown[] = [];
      const log = newLog({}, { onFlushError: (error: unknown) => errors.push(error) });
      // A file where the deployment's directory should be: the artifact store refuses the write.
      const blocked = path.join(store.artifactsDir, 'predictions', 'blocked');
      await fs.mkdir(path.dirname(blocked), { recursive: true });
      await fs.writeFile(blocked, 'in the way');
      log.record(source('blocked'), { id: 'lost', time: 1, latencyMs: 1, ...request(1) });
      log.record(source('fine'), { id: 'kept', time: 1, latencyMs: 1, ...request(1) });
      await log.flush();
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe(
        "Artifact path 'predictions/blocked' is a file, not a directory",
      );
      expect(await ids(log, 'fine')).toEqual(['kept']);
      // Its ids were indexed before its file was refused: the index is rolled back too.
      const indexed = await assay.database.db
        .selectFrom('prediction_index')
        .select('id')
        .where('id', 'in', ['lost', 'kept'])
        .execute();
      expect(indexed.map((row) => row.id)).toEqual(['kept']);
      await fs.rm(blocked);
      log.record(source('blocked'), { id: 'after', time: 2, latencyMs: 1, ...request(1) });
      await log.close();
      expect(await ids(log, 'blocked')).toEqual(['after']);
      expect(errors).toHaveLength(1);
    });

    it('should its thread die mid-flush, that batch is counted lost and the next flush starts a new thread', async () => {
      const errors: unknown[] = [];
      const thread = new PredictionLogThread();
      const recorder = new PredictionRecorder(
        new LocalPredictionSink(assay.database, assay.artifactStore, thread),
        DEFAULT_PREDICTION_LOG,
        { onFlushError: (error) => errors.push(error) },
        thread,
      );
      recorder.record(source('dies'), { id: 'd-1', time: 1, latencyMs: 1, ...request(2000, 8) });
      const flushed = recorder.flush();
      // The flush hands the batch over a turn later; the thread is then busy with it.
      await new Promise((resolve) => setImmediate(resolve));
      await thread.close();
      await flushed;
      expect(errors.map((error) => (error as Error).message)).toEqual(['the prediction log thread stopped']);
      recorder.record(source('dies'), { id: 'd-2', time: 2, latencyMs: 1, ...request(1) });
      await recorder.close();
      expect(errors).toHaveLength(1);
      expect(await ids(newLog(), 'dies')).toEqual(['d-2']);
    });
  },
);
