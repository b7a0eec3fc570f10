import { expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore(
  'metric history',
  (store) => createAppHarness(store),
  (harness) => {
    const mlflow = () => harness().mlflow;
    const runWith = async (points: number, key = 'loss') => {
      const runId = (await mlflow().post('runs/create', { experiment_id: '0' })).body.run.info
        .run_id as string;
      for (let start = 0; start < points; start += 1000) {
        const metrics = Array.from({ length: Math.min(1000, points - start) }, (_, i) => ({
          key,
          value: (start + i) / 10,
          timestamp: 5000 - (start + i),
          step: start + i,
        }));
        expect((await mlflow().post('runs/log-batch', { run_id: runId, metrics })).status).toBe(200);
      }
      return runId;
    };

    it('pages through a history in step order without gaps or repeats', async () => {
      const runId = await runWith(2500);
      const steps: number[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const res = await mlflow().get('metrics/get-history', {
          run_uuid: runId,
          run_id: runId,
          metric_key: 'loss',
          max_results: 1000,
          page_token: token,
        });
        expect(res.status).toBe(200);
        steps.push(...res.body.metrics.map((m: { step: number }) => m.step));
        token = res.body.next_page_token;
        pages += 1;
      } while (token);
      expect(pages).toBe(3);
      expect(steps).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    });

    it('returns all points of one step ordered by timestamp, and NaN as "NaN"', async () => {
      const runId = (await mlflow().post('runs/create', { experiment_id: '0' })).body.run.info
        .run_id as string;
      await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'm', value: 2, timestamp: 20, step: 1 },
          { key: 'm', value: 1, timestamp: 10, step: 1 },
          { key: 'm', value: 'NaN', timestamp: 30, step: 1 },
        ],
      });
      const res = await mlflow().get('metrics/get-history', {
        run_id: runId,
        metric_key: 'm',
        max_results: 25000,
      });
      expect(res.body).toEqual({
        metrics: [
          { key: 'm', value: 1, timestamp: 10, step: 1 },
          { key: 'm', value: 2, timestamp: 20, step: 1 },
          { key: 'm', value: 'NaN', timestamp: 30, step: 1 },
        ],
      });
    });

    it('returns every value exactly as logged, whichever database prints it', async () => {
      const runId = (await mlflow().post('runs/create', { experiment_id: '0' })).body.run.info
        .run_id as string;
      const values: (number | string)[] = [
        0.1 + 0.2,
        1 / 3,
        2 / 3,
        Math.PI,
        1e-300,
        5e-324,
        1.7976931348623157e308,
        -123456789.12345679,
        1e21,
        0,
        'Infinity',
        '-Infinity',
        'NaN',
      ];
      await mlflow().post('runs/log-batch', {
        run_id: runId,
        metrics: values.map((value, step) => ({ key: 'exact', value, timestamp: 1, step })),
      });
      const res = await mlflow().get('metrics/get-history', {
        run_id: runId,
        metric_key: 'exact',
        max_results: 25000,
      });
      expect(res.body.metrics.map((m: { value: number | string }) => m.value)).toEqual(values);
    });

    it('answers an unknown run or key with no metrics, and refuses bad paging input', async () => {
      expect(
        (await mlflow().get('metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'x' })).body,
      ).toEqual({});
      const runId = await runWith(3);
      const tooMany = await mlflow().get('metrics/get-history', {
        run_id: runId,
        metric_key: 'loss',
        max_results: 25001,
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.message).toContain("parameter 'max_results'");
      const badToken = await mlflow().get('metrics/get-history', {
        run_id: runId,
        metric_key: 'loss',
        page_token: 'zzz',
      });
      expect(badToken.status).toBe(400);
      expect(badToken.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      const noKey = await mlflow().get('metrics/get-history', { run_id: runId });
      expect(noKey.body.message).toContain("Missing value for required parameter 'metric_key'");
    });

    it('samples histories of several runs at evenly spaced steps plus each last step', async () => {
      const long = await runWith(1000, 'acc');
      const short = await runWith(10, 'acc');
      const res = await mlflow().get('metrics/get-history-bulk-interval', {
        run_ids: [long, short],
        metric_key: 'acc',
        max_results: 100,
      });
      expect(res.status).toBe(200);
      const longSteps = res.body.metrics
        .filter((m: { run_id: string }) => m.run_id === long)
        .map((m: { step: number }) => m.step);
      const shortSteps = res.body.metrics
        .filter((m: { run_id: string }) => m.run_id === short)
        .map((m: { step: number }) => m.step);
      // 100 evenly spaced steps, plus every run's last step (999 here, 9 from the short run).
      expect(longSteps).toHaveLength(102);
      expect(longSteps.slice(0, 4)).toEqual([0, 9, 10, 20]);
      expect(longSteps.slice(-2)).toEqual([990, 999]);
      expect(shortSteps).toEqual([0, 9]);
      expect(res.body.metrics[0]).toEqual({ key: 'acc', value: 0, timestamp: 5000, step: 0, run_id: long });

      const window = await mlflow().get('metrics/get-history-bulk-interval', {
        run_ids: [long],
        metric_key: 'acc',
        start_step: 100,
        end_step: 199,
        max_results: 10,
      });
      expect(window.body.metrics.map((m: { step: number }) => m.step)).toEqual([
        100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 199,
      ]);

      const half = await mlflow().get('metrics/get-history-bulk-interval', {
        run_ids: [long],
        metric_key: 'acc',
        start_step: 5,
      });
      expect(half.body.message).toBe(
        'If either start step or end step are specified, both must be specified.',
      );
      const tooMany = await mlflow().get('metrics/get-history-bulk-interval', {
        run_ids: Array.from({ length: 101 }, (_, i) => `r${i}`),
        metric_key: 'acc',
      });
      expect(tooMany.body.message).toBe(
        'GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.',
      );
      const badMax = await mlflow().get('metrics/get-history-bulk-interval', {
        run_ids: [long],
        metric_key: 'acc',
        max_results: 2501,
      });
      expect(badMax.body.message).toBe('max_results must be between 1 and 2500.');
    });
  },
);
