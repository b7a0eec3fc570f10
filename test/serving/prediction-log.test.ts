import { beforeAll, expect, it } from 'vitest';
import { openAssay, type AssayContext } from '../../src/context.js';
import type { NamedTensor } from '../../src/serving/named-tensor.js';
import { DEFAULT_PREDICTION_LOG } from '../../src/serving/prediction-log/prediction-log-options.js';
import { PredictionLog, type PredictionSource } from '../../src/serving/prediction-log/prediction-log.js';
import { describeEachStore } from '../helpers/stores.js';

const FEATURES = ['age', 'income', 'score'];
const SOURCE: PredictionSource = {
  deployment: 'fraud',
  modelName: 'fraud-model',
  modelVersion: 3,
  featureNames: new Map([['input', FEATURES]]),
};

/** A request of `rows` rows: features i, i+1, i+2 per row; a label and two probabilities out. */
function request(rows: number, seed: number): { inputs: NamedTensor[]; outputs: NamedTensor[] } {
  const features = Float32Array.from({ length: rows * 3 }, (_, k) => seed + k);
  const labels = BigInt64Array.from({ length: rows }, (_, r) => BigInt((seed + r) % 2));
  const probabilities = Float32Array.from({ length: rows * 2 }, (_, k) => (k % 2 === 0 ? 0.25 : 0.75));
  return {
    inputs: [{ name: 'input', type: 'float32', dims: [rows, 3], data: features }],
    outputs: [
      { name: 'label', type: 'int64', dims: [rows], data: labels },
      { name: 'probabilities', type: 'float32', dims: [rows, 2], data: probabilities },
    ],
  };
}

describeEachStore(
  'the prediction log',
  async (store) => {
    const assay = await openAssay({ store: store.storeUri, artifacts: store.artifactsDir });
    return { assay, close: () => assay.close() };
  },
  (get) => {
    let assay: AssayContext;
    let clock = 1_000_000;
    const now = () => clock;
    beforeAll(() => {
      assay = get().assay;
    });
    const newLog = (options = {}, hooks = {}) =>
      new PredictionLog(
        assay.database,
        assay.artifactStore,
        { ...DEFAULT_PREDICTION_LOG, ...options },
        hooks,
        now,
      );

    it('stores every prediction with its id, inputs by feature name, outputs and time, read back in order', async () => {
      const log = newLog();
      log.record({ ...SOURCE, deployment: 'a' }, { id: 'one', time: 10, latencyMs: 1.5, ...request(1, 0) });
      log.record({ ...SOURCE, deployment: 'a' }, { id: 'many', time: 20, latencyMs: 2.5, ...request(2, 10) });
      await log.flush();
      const rows = await log.query({ deployment: 'a' });
      expect(rows).toEqual([
        {
          id: 'one',
          deployment: 'a',
          model: 'fraud-model',
          version: 3,
          time: 10,
          latency_ms: 1.5,
          inputs: { 'input.age': 0, 'input.income': 1, 'input.score': 2 },
          outputs: { label: 0, 'probabilities.[0]': 0.25, 'probabilities.[1]': 0.75 },
          label: null,
        },
        expect.objectContaining({
          id: 'many:0',
          time: 20,
          inputs: { 'input.age': 10, 'input.income': 11, 'input.score': 12 },
        }),
        expect.objectContaining({
          id: 'many:1',
          outputs: { label: 1, 'probabilities.[0]': 0.25, 'probabilities.[1]': 0.75 },
        }),
      ]);
      expect(await log.query({ deployment: 'a', from: 15 })).toHaveLength(2);
      expect(await log.query({ deployment: 'a', to: 15 })).toHaveLength(1);
      expect(await log.query({ deployment: 'a', limit: 2 })).toHaveLength(2);
      expect(await log.query({ deployment: 'a', version: 4 })).toEqual([]);
      const last = await log.query({ deployment: 'a', limit: 2, latest: true });
      expect(last.map((row) => row.id)).toEqual(['many:0', 'many:1']);
    });

    it('joins labels by id, sent before or after the flush; reports ids it has not logged', async () => {
      const log = newLog();
      const early = await log.addLabels([{ id: 'b-1', label: 1 }]);
      expect(early).toEqual({ accepted: 1, unknown: ['b-1'] });
      log.record({ ...SOURCE, deployment: 'b' }, { id: 'b-1', time: 30, latencyMs: 1, ...request(1, 0) });
      log.record({ ...SOURCE, deployment: 'b' }, { id: 'b-2', time: 31, latencyMs: 1, ...request(1, 1) });
      await log.flush();
      const late = await log.addLabels([
        { id: 'b-2', label: 'fraud' },
        { id: 'nope', label: 0 },
      ]);
      expect(late).toEqual({ accepted: 2, unknown: ['nope'] });
      const rows = await log.query({ deployment: 'b' });
      expect(rows.map((row) => [row.id, row.label])).toEqual([
        ['b-1', 1],
        ['b-2', 'fraud'],
      ]);
      await log.addLabels([{ id: 'b-1', label: 0 }]);
      expect((await log.query({ deployment: 'b' }))[0]?.label).toBe(0);
    });

    it('refuses a label without an id or a value, naming the entry, and writes none of the request', async () => {
      const log = newLog();
      await expect(
        log.addLabels([
          { id: 'x', label: 1 },
          { id: '', label: 1 },
        ]),
      ).rejects.toThrow('labels[1].id must be a non-empty string');
      await expect(log.addLabels([{ id: 'y', label: undefined }])).rejects.toThrow(
        'labels[0].label is missing',
      );
      expect(
        await assay.database.db
          .selectFrom('prediction_labels')
          .select('prediction_id')
          .where('prediction_id', '=', 'x')
          .execute(),
      ).toEqual([]);
    });

    it('a full buffer drops and counts, never blocks; close flushes what is queued', async () => {
      const dropped: number[] = [];
      const log = newLog(
        { maxBufferedRows: 3, flushIntervalMs: 60_000 },
        { onDropped: (rows: number) => dropped.push(rows) },
      );
      log.record({ ...SOURCE, deployment: 'c' }, { id: 'c-1', time: 1, latencyMs: 1, ...request(2, 0) });
      log.record({ ...SOURCE, deployment: 'c' }, { id: 'c-2', time: 2, latencyMs: 1, ...request(2, 0) });
      log.record({ ...SOURCE, deployment: 'c' }, { id: 'c-3', time: 3, latencyMs: 1, ...request(1, 0) });
      expect(dropped).toEqual([2]);
      await log.close();
      expect((await log.query({ deployment: 'c' })).map((row) => row.id)).toEqual(['c-1:0', 'c-1:1', 'c-3']);
      log.record({ ...SOURCE, deployment: 'c' }, { id: 'c-4', time: 4, latencyMs: 1, ...request(1, 0) });
      await log.flush();
      expect(await log.query({ deployment: 'c' })).toHaveLength(3);
    });

    it('samples: a rate of 0.25 logs every fourth request', async () => {
      const log = newLog({ sampleRate: 0.25 });
      for (let i = 0; i < 12; i += 1) {
        log.record({ ...SOURCE, deployment: 'd' }, { id: `d-${i}`, time: i, latencyMs: 1, ...request(1, i) });
      }
      await log.flush();
      expect((await log.query({ deployment: 'd' })).map((row) => row.id)).toEqual(['d-3', 'd-7', 'd-11']);
    });

    it('flushes by itself once enough rows wait', async () => {
      const log = newLog({ flushRows: 4, flushIntervalMs: 60_000 });
      log.record({ ...SOURCE, deployment: 'e' }, { id: 'e-1', time: 1, latencyMs: 1, ...request(4, 0) });
      for (let i = 0; i < 50 && (await log.query({ deployment: 'e' })).length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await log.query({ deployment: 'e' })).toHaveLength(4);
      clock += 1;
    });
  },
);
