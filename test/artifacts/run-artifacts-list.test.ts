import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

async function put(app: FastifyInstance, path: string, content = ''): Promise<void> {
  const response = await app.inject({
    method: 'PUT',
    url: `/api/2.0/mlflow-artifacts/artifacts/${path}`,
    payload: content,
  });
  expect(response.statusCode).toBe(200);
}

async function createRun(
  harness: AppHarness,
  artifactLocation?: string,
): Promise<{ runId: string; artifactUri: string }> {
  const experiment = await harness.mlflow.post('experiments/create', {
    name: `exp-${Math.random().toString(36).slice(2)}`,
    ...(artifactLocation ? { artifact_location: artifactLocation } : {}),
  });
  expect(experiment.status).toBe(200);
  const run = await harness.mlflow.post('runs/create', {
    experiment_id: experiment.body.experiment_id,
    start_time: 1,
  });
  expect(run.status).toBe(200);
  return { runId: run.body.run.info.run_id, artifactUri: run.body.run.info.artifact_uri };
}

/** `GET /api/2.0/mlflow/artifacts/list`: a run's artifacts with run-relative paths (spec B.4). */
describeEachStore(
  'tracking API artifacts/list',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    let runId: string;
    let artifactUri: string;
    let root: string;

    beforeAll(async () => {
      harness = get();
      ({ runId, artifactUri } = await createRun(harness));
      root = artifactUri.replace('mlflow-artifacts:/', '');
      await put(harness.app, `${root}/notes.txt`, 'hello');
      await put(harness.app, `${root}/model/MLmodel`, 'artifact_path: model\n');
      await put(harness.app, `${root}/model/python_model.pkl`, 'x'.repeat(737));
      await put(harness.app, `${root}/model/empty.txt`);
      await put(harness.app, `${root}/model/sub/deep.txt`, 'deep');
    });

    it('roots runs at mlflow-artifacts:/<experiment>/<run>/artifacts', () => {
      expect(artifactUri).toMatch(/^mlflow-artifacts:\/\d+\/[0-9a-f]{32}\/artifacts$/);
    });

    it('lists the run root', async () => {
      const response = await harness.mlflow.get('artifacts/list', { run_id: runId });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        root_uri: artifactUri,
        files: [
          { path: 'model', is_dir: true },
          { path: 'notes.txt', is_dir: false, file_size: 5 },
        ],
      });
      expect(Object.keys(response.body)).toEqual(['root_uri', 'files']);
    });

    it('gives paths relative to the run root, not basenames', async () => {
      const response = await harness.mlflow.get('artifacts/list', { run_id: runId, path: 'model' });
      expect(response.body).toEqual({
        root_uri: artifactUri,
        files: [
          { path: 'model/MLmodel', is_dir: false, file_size: 21 },
          { path: 'model/empty.txt', is_dir: false },
          { path: 'model/python_model.pkl', is_dir: false, file_size: 737 },
          { path: 'model/sub', is_dir: true },
        ],
      });
      expect(
        (await harness.mlflow.get('artifacts/list', { run_id: runId, path: 'model/sub/' })).body.files,
      ).toEqual([{ path: 'model/sub/deep.txt', is_dir: false, file_size: 4 }]);
    });

    it('accepts the legacy run_uuid and the ajax prefix, and ignores page_token', async () => {
      const legacy = await harness.mlflow.get('artifacts/list', {
        run_uuid: runId,
        path: 'model/sub',
        page_token: 'whatever',
      });
      expect(legacy.body.files).toEqual([{ path: 'model/sub/deep.txt', is_dir: false, file_size: 4 }]);
      const ajax = await harness.app.inject({
        method: 'GET',
        url: `/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=model%2Fsub`,
      });
      expect(ajax.json()).toEqual(legacy.body);
    });

    it('answers only root_uri for a missing directory, a file, or a run without artifacts', async () => {
      for (const path of ['nothing', 'notes.txt']) {
        expect((await harness.mlflow.get('artifacts/list', { run_id: runId, path })).body).toEqual({
          root_uri: artifactUri,
        });
      }
      const empty = await createRun(harness);
      expect((await harness.mlflow.get('artifacts/list', { run_id: empty.runId })).body).toEqual({
        root_uri: empty.artifactUri,
      });
    });

    it.each(['../x', 'model/../../x', '%2e%2e%2fx', '/etc', 'a\\b', 'C:/x', 'a%00'])(
      'refuses the path %j',
      async (path) => {
        const response = await harness.mlflow.get('artifacts/list', { run_id: runId, path });
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
      },
    );

    it('checks the path before looking the run up, as MLflow does', async () => {
      const response = await harness.mlflow.get('artifacts/list', { run_id: 'f'.repeat(32), path: '../x' });
      expect(response.status).toBe(400);
    });

    it('answers a missing run with RESOURCE_DOES_NOT_EXIST', async () => {
      const response = await harness.mlflow.get('artifacts/list', { run_id: 'f'.repeat(32) });
      expect(response.status).toBe(404);
      expect(response.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('lists runs whose root is an HTTP URL of the proxy, as MLflow does', async () => {
      const http = await createRun(
        harness,
        'http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/custom',
      );
      const location = http.artifactUri.split('/api/2.0/mlflow-artifacts/artifacts/')[1];
      await put(harness.app, `${location}/report.html`, '<p>');
      const response = await harness.mlflow.get('artifacts/list', { run_id: http.runId });
      expect(response.body).toEqual({
        root_uri: http.artifactUri,
        files: [{ path: 'report.html', is_dir: false, file_size: 3 }],
      });
    });

    it('lists nothing for roots this server does not hold', async () => {
      for (const location of [
        's3://bucket/prefix',
        'file:///tmp/somewhere',
        'http://elsewhere.example/no-anchor',
      ]) {
        const run = await createRun(harness, location);
        const response = await harness.mlflow.get('artifacts/list', { run_id: run.runId });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ root_uri: run.artifactUri });
      }
    });

    it('cannot be walked out of the store through an experiment location', async () => {
      for (const location of [
        'mlflow-artifacts:/..',
        'mlflow-artifacts:/%2e%2e/%2e%2e',
        'mlflow-artifacts://host/../..',
      ]) {
        const run = await createRun(harness, location);
        const response = await harness.mlflow.get('artifacts/list', { run_id: run.runId });
        expect(response.status).toBe(400);
        expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    });
  },
);
