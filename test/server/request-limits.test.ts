import { expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore(
  'request body limits',
  (store) => createAppHarness(store, { bodyLimitBytes: 64 * 1024 }),
  (harness) => {
    it('refuses a JSON body over the limit with a 413 in MLflow error shape, writing nothing', async () => {
      const { app, mlflow } = harness();
      const runId = (await mlflow.post('runs/create', { experiment_id: '0' })).body.run.info.run_id as string;
      const huge = JSON.stringify({
        run_id: runId,
        params: Array.from({ length: 20 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(5000) })),
      });
      expect(huge.length).toBeGreaterThan(64 * 1024);
      const response = await app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/log-batch',
        payload: huge,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(413);
      expect(JSON.parse(response.body)).toEqual({
        error_code: 'BAD_REQUEST',
        message: 'Request body is larger than the server allows (ASSAY_BODY_LIMIT_BYTES)',
      });
      const run = await mlflow.get('runs/get', { run_id: runId });
      expect(run.body.run.data.params).toBeUndefined();
      expect((await app.inject({ method: 'GET', url: '/health' })).body).toBe('OK');
    });
  },
);
