import { Writable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { parseServerConfig } from '../../../src/config/config.js';
import { openAssay } from '../../../src/context.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import type { DeploymentView } from '../../../src/views/deployment-views.js';
import { cancer, features, FEATURES, ROWS, v2Body } from '../support/cancer-rows.js';
import { describeEachStore } from '../../helpers/stores.js';
import { fixturePath } from '../../runtime/support/fixture-tables.js';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

/** Polls `read` until `done` holds of its value (the runtime polls the store every 100 ms here). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 200 && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  if (!done(value)) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
  return value;
}

describeEachStore<{ server: RunningServer }>(
  'deployments inside assay server',
  async (store) => {
    const assay = await openAssay({ store: store.storeUri, artifacts: store.artifactsDir });
    for (const file of ['bc-logreg-v1.onnx', 'bc-mlp-v2.onnx', 'bc-forest-v3.onnx']) {
      await assay.modelRegistration.registerModelFile('cancer', fixturePath('breast_cancer', file), {
        features: FEATURES,
        actor: 'tester',
      });
    }
    await assay.modelAliases.set('cancer', 'production', '1', { actor: 'tester' });
    await assay.close();
    const config = parseServerConfig(
      {},
      {
        store: store.storeUri,
        artifacts: store.artifactsDir,
        port: 0,
        logLevel: 'silent',
        deploymentPollMs: 100,
      },
    );
    const server = await startServer(config, silent);
    return { server, close: () => server.stop() };
  },
  (get) => {
    let base: string;
    beforeAll(() => {
      base = get().server.url;
    });
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const show = async () =>
      (await api('GET', '/api/assay/v1/deployments/fraud')).body as unknown as DeploymentView;
    const infer = async (from: number, to: number, path = '/v2/models/fraud/infer') => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: v2Body(from, to),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it('a deployment created through the API is served on the same port, and reports its status', async () => {
      const created = await api('POST', '/api/assay/v1/deployments', {
        name: 'fraud',
        model: 'cancer@production',
        shadow: { model: 'cancer@2' },
        batching: { max_batch_size: 16 },
      });
      expect(created.status).toBe(200);
      const ready = await until(show, (view) => view.status?.state === 'ready', 'the deployment to load');
      expect(ready.status).toMatchObject({ served_version: 1, shadow_version: 2, error: null });
      expect((await fetch(`${base}/v2/models/fraud/ready`)).status).toBe(200);
      const answer = await infer(0, 4);
      expect(answer).toMatchObject({ status: 200, body: { model_name: 'fraud', model_version: '1' } });
      // MLflow's scoring protocol on the same port, on the one deployment.
      const scored = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [Array.from(features.subarray(0, FEATURES.length))] }),
      });
      expect(scored.status).toBe(200);
      // The MLflow API is still the MLflow API.
      expect((await api('GET', '/api/2.0/mlflow/registered-models/get?name=cancer')).status).toBe(200);
    });

    it("the shadow's live diff shows in the deployment's status", async () => {
      for (let start = 0; start < ROWS; start += 12) await infer(start, Math.min(ROWS, start + 12));
      const view = await until(
        show,
        (each) => (each.status?.shadow_diff?.rows_compared as number | undefined) === ROWS + 5,
        'the shadow diff to be reported',
      );
      const reference = cancer.reference.diffs['bc-logreg-v1.onnx -> bc-mlp-v2.onnx'] as Record<
        string,
        unknown
      >;
      // Every evaluation row once, plus the first test's rows 0-3 and its one /invocations row (row 0).
      expect(view.status?.shadow_diff).toMatchObject({ task: 'classification', shadow_errors: 0 });
      const transitions = view.status?.shadow_diff?.transitions as number[][];
      const expected = reference.transitions as number[][];
      const total = (rows: number[][]) => rows.flat().reduce((sum, count) => sum + count, 0);
      expect(total(transitions)).toBe(total(expected) + 5);
    });

    it('follows its alias when it moves through the MLflow API', async () => {
      const moved = await api('POST', '/api/2.0/mlflow/registered-models/alias', {
        name: 'cancer',
        alias: 'production',
        version: '3',
      });
      expect(moved.status).toBe(200);
      await until(
        () => infer(0, 1),
        (answer) => answer.body.model_version === '3',
        'version 3 to serve',
      );
      const view = await until(show, (each) => each.status?.served_version === 3, 'the status to say 3');
      expect(view.status?.error).toBeNull();
    });

    it('a change of spec through the API is applied: a canary at 100% takes the traffic', async () => {
      const patched = await api('PATCH', '/api/assay/v1/deployments/fraud', {
        canary: { model: 'cancer@2', percent: 100 },
      });
      expect(patched.status).toBe(200);
      await until(
        () => infer(0, 1),
        (answer) => answer.body.model_version === '2',
        'the canary to answer',
      );
      await until(show, (each) => each.status?.canary_version === 2, 'the status to show the canary');
    });

    it('a deleted deployment stops being served', async () => {
      expect((await api('DELETE', '/api/assay/v1/deployments/fraud')).status).toBe(200);
      await until(
        () => infer(0, 1),
        (answer) => answer.status === 404,
        'the deployment to go',
      );
      expect((await infer(0, 1)).body).toEqual({ error: "Model 'fraud' is not served here (served: none)" });
    });
  },
);
