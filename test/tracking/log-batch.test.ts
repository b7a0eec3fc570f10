import { expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

const metricsOf = (count: number, key = 'k') =>
  Array.from({ length: count }, (_, step) => ({ key, value: step, timestamp: 1000, step }));

describeEachStore(
  'runs/log-batch',
  (store) => createAppHarness(store),
  (harness) => {
    const mlflow = () => harness().mlflow;
    const newRun = async () =>
      (await mlflow().post('runs/create', { experiment_id: '0' })).body.run.info.run_id as string;
    const getRun = async (runId: string) => (await mlflow().get('runs/get', { run_id: runId })).body.run;

    it('logs metrics, params and tags in one call; latest metric per key', async () => {
      const runId = await newRun();
      const res = await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: metricsOf(10, 'acc'),
        params: [
          { key: 'lr', value: '0.01' },
          { key: 'opt', value: 'adam' },
        ],
        tags: [{ key: 'stage', value: 'dev' }],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
      const run = await getRun(runId);
      expect(run.data.metrics).toEqual([{ key: 'acc', value: 9, timestamp: 1000, step: 9 }]);
      expect(run.data.params).toEqual([
        { key: 'lr', value: '0.01' },
        { key: 'opt', value: 'adam' },
      ]);
      expect(run.data.tags).toContainEqual({ key: 'stage', value: 'dev' });
    });

    it('accepts exactly the limits and refuses one more, with MLflow messages', async () => {
      const runId = await newRun();
      expect(
        (await mlflow().post('runs/log-batch', { run_id: runId, metrics: metricsOf(1000) })).status,
      ).toBe(200);
      const over = await mlflow().post('runs/log-batch', { run_id: runId, metrics: metricsOf(1001) });
      expect(over.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
      });
      const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
      expect((await mlflow().post('runs/log-batch', { run_id: runId, params })).body.message).toBe(
        'A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again.',
      );
      const tags = Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' }));
      expect((await mlflow().post('runs/log-batch', { run_id: runId, tags })).body.message).toBe(
        'A batch logging request can contain at most 100 tags. Got 101 tags. Please split up tags across multiple requests and try again.',
      );
      const total = await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: metricsOf(950),
        params: params.slice(0, 50),
        tags: tags.slice(0, 50),
      });
      expect(total.body.message).toBe(
        'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1050 metrics, params, and tags. Please split up metrics, params, and tags across multiple requests and try again.',
      );
      const history = await mlflow().get('metrics/get-history', {
        run_id: runId,
        metric_key: 'k',
        max_results: 25000,
      });
      expect(history.body.metrics).toHaveLength(1000);
    });

    it('is all or nothing: a bad item, a changed param or a deleted run leaves nothing behind', async () => {
      const runId = await newRun();
      await mlflow().post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
      const changed = await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: metricsOf(5, 'loss'),
        params: [
          { key: 'new', value: 'x' },
          { key: 'lr', value: '0.2' },
        ],
        tags: [{ key: 'should-not', value: 'exist' }],
      });
      expect(changed.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: `Changing param values is not allowed. Params were already logged='[{'key': 'lr', 'old_value': '0.1', 'new_value': '0.2'}]' for run ID='${runId}'.`,
      });
      const badMetric = await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: [...metricsOf(3, 'loss'), { key: 'bad name!', value: 1, timestamp: 1 }],
        params: [{ key: 'other', value: 'y' }],
      });
      expect(badMetric.status).toBe(400);
      const run = await getRun(runId);
      expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
      expect(run.data.metrics).toBeUndefined();
      expect(run.data.tags.map((t: { key: string }) => t.key)).not.toContain('should-not');

      const duplicateKeys = await mlflow().post('runs/log-batch', {
        run_id: runId,
        params: [
          { key: 'd', value: '1' },
          { key: 'd', value: '1' },
        ],
      });
      expect(duplicateKeys.body.message).toBe(
        "Duplicate parameter keys have been submitted: ['d']. Please ensure the request contains only one param value per param key.",
      );
      await mlflow().post('runs/delete', { run_id: runId });
      const deleted = await mlflow().post('runs/log-batch', { run_id: runId, metrics: metricsOf(1) });
      expect(deleted.status).toBe(400);
      expect((await mlflow().get('metrics/get-history', { run_id: runId, metric_key: 'k' })).body).toEqual(
        {},
      );
    });

    it('treats re-logged identical metrics and params as no-ops', async () => {
      const runId = await newRun();
      const batch = { run_id: runId, metrics: metricsOf(20), params: [{ key: 'p', value: '1' }] };
      expect((await mlflow().post('runs/log-batch', batch)).status).toBe(200);
      expect((await mlflow().post('runs/log-batch', batch)).status).toBe(200);
      const history = await mlflow().get('metrics/get-history', { run_id: runId, metric_key: 'k' });
      expect(history.body.metrics).toHaveLength(20);
      expect((await getRun(runId)).data.params).toEqual([{ key: 'p', value: '1' }]);
    });

    it('names the failing field of an item', async () => {
      const runId = await newRun();
      const noTimestamp = await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'a', value: 1 }],
      });
      expect(noTimestamp.body.message).toBe(
        "Missing value for required parameter 'metrics[0].timestamp'. See the API docs for more information about request parameters.",
      );
      const badValue = await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'a', value: 1, timestamp: 1 },
          { key: 'a', value: 'high', timestamp: 1 },
        ],
      });
      expect(badValue.body.message).toBe(
        "Invalid value high for parameter 'metrics[1].value' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
      );
      const badRunId = await mlflow().post('runs/log-batch', { run_id: '../etc', metrics: [] });
      expect(badRunId.body.message).toBe("Invalid run ID: '../etc'");
      const unknownRun = await mlflow().post('runs/log-batch', { run_id: 'a'.repeat(32), metrics: [] });
      expect(unknownRun.status).toBe(404);
    });

    it('keeps every batch of concurrent writers', async () => {
      const runId = await newRun();
      await Promise.all(
        Array.from({ length: 8 }, (_, writer) =>
          mlflow().post('runs/log-batch', {
            run_id: runId,
            metrics: Array.from({ length: 250 }, (_, i) => ({
              key: `w${writer}`,
              value: i,
              timestamp: 1,
              step: i,
            })),
          }),
        ),
      );
      const run = await getRun(runId);
      expect(run.data.metrics).toHaveLength(8);
      for (const metric of run.data.metrics) expect(metric.step).toBe(249);
    });
  },
);
