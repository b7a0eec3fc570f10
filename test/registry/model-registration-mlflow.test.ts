import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ModelRuntimeRepository } from '../../src/store/model-runtime-repository.js';
import { ModelVersionRepository } from '../../src/store/model-version-repository.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';
import { featureColumns, fixtureBytes, readFixtureCsv } from '../runtime/support/fixture-tables.js';
import { buildOnnxModel } from '../runtime/support/onnx-builder.js';

const IRIS_FEATURES = featureColumns(readFixtureCsv('iris', 'iris.csv'));
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The MLmodel `mlflow.onnx.log_model` writes (MLflow 2.10.2), with a signature when given. */
function onnxMlmodel(runId: string, signature?: { inputs: unknown[] }): string {
  return stringify({
    artifact_path: 'model',
    flavors: {
      onnx: { code: null, data: 'model.onnx', onnx_version: '1.15.0', providers: ['CPUExecutionProvider'] },
      python_function: {
        data: 'model.onnx',
        env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
        loader_module: 'mlflow.onnx',
        python_version: '3.11.2',
      },
    },
    mlflow_version: '2.10.2',
    run_id: runId,
    ...(signature ? { signature: { inputs: JSON.stringify(signature.inputs), outputs: '[]' } } : {}),
  });
}

/** As recorded in client-smoke.jsonl: a pyfunc model, which Assay registers but cannot run. */
const PYFUNC_MLMODEL = `artifact_path: model
flavors:
  python_function:
    cloudpickle_version: 2.2.0
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.pyfunc.model
    python_model: python_model.pkl
    python_version: 3.11.2
mlflow_version: 2.10.2
`;

describeEachStore(
  'versions created through MLflow’s API: ONNX sources become runnable',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    let runId: string;
    let runRoot: string;
    const runtimes = new ModelRuntimeRepository();
    const iris = fixtureBytes('iris', 'iris-logreg-v1.onnx');

    async function upload(relative: string, body: Buffer | string): Promise<void> {
      const response = await harness.app.inject({
        method: 'PUT',
        url: `/api/2.0/mlflow-artifacts/artifacts/${runRoot}/${relative}`,
        payload: body,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(response.statusCode).toBe(200);
    }

    /** model-versions/create as MLflow's client sends it; the version JSON is returned. */
    async function createVersion(name: string, source: string): Promise<Record<string, unknown>> {
      await harness.mlflow.post('registered-models/create', { name });
      const created = await harness.mlflow.post('model-versions/create', { name, source, run_id: runId });
      expect(created.status).toBe(200);
      return created.body.model_version as Record<string, unknown>;
    }

    const status = (name: string, version = 1) =>
      new ModelVersionRepository(harness.context.database.dialect)
        .find(harness.context.database.db, name, version)
        .then((row) => row && { status: row.status, statusMessage: row.statusMessage });

    beforeAll(async () => {
      harness = get();
      const run = await harness.mlflow.post('runs/create', { experiment_id: '0', start_time: 1 });
      runId = run.body.run.info.run_id as string;
      runRoot = String(run.body.run.info.artifact_uri).replace(/^mlflow-artifacts:\//, '');
    });

    it('an MLflow onnx model directory with a column signature: runnable, features from the signature', async () => {
      await upload('iris-model/model.onnx', iris);
      await upload(
        'iris-model/MLmodel',
        onnxMlmodel(runId, {
          inputs: IRIS_FEATURES.map((name) => ({ type: 'double', name, required: true })),
        }),
      );
      const version = await createVersion('iris', `mlflow-artifacts:/${runRoot}/iris-model`);
      expect(version).toMatchObject({ version: '1', status: 'READY' });
      expect(version.status_message).toBeUndefined();
      const runnable = await harness.context.modelRegistration.getRunnable('iris', 1);
      expect(runnable.spec).toMatchObject({
        task: 'classification',
        inputMode: 'tensor',
        featureColumns: IRIS_FEATURES,
      });
      // Copied to its content address: later changes to the run's artifacts cannot change the version.
      expect(runnable.artifactPath).toBe(`models/${sha256(iris)}/model.onnx`);
      expect(Buffer.compare(await runnable.readBytes(), iris)).toBe(0);
    });

    it('a tensor-based signature gives no feature columns', async () => {
      await upload('tensor-sig/model.onnx', iris);
      await upload(
        'tensor-sig/MLmodel',
        onnxMlmodel(runId, {
          inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] }, name: 'input' }],
        }),
      );
      await createVersion('iris-tensor', `mlflow-artifacts:/${runRoot}/tensor-sig`);
      expect(
        (await harness.context.modelRegistration.getModelSpec('iris-tensor', 1)).featureColumns,
      ).toBeNull();
    });

    it('a pipeline model: runnable in columns mode, whatever its signature', async () => {
      const bike = fixtureBytes('bike_sharing', 'bike-v2.onnx');
      await upload('bike/model.onnx', bike);
      await upload('bike/MLmodel', onnxMlmodel(runId, { inputs: [{ type: 'double', name: 'hr' }] }));
      await createVersion('bike', `mlflow-artifacts:/${runRoot}/bike`);
      expect(await harness.context.modelRegistration.getModelSpec('bike', 1)).toMatchObject({
        inputMode: 'columns',
        featureColumns: null,
        task: 'regression',
      });
    });

    it('a source that is itself an .onnx file, also named by this server’s proxy URL or through models:/', async () => {
      await upload('plain/iris.onnx', iris);
      await createVersion('plain', `mlflow-artifacts:/${runRoot}/plain/iris.onnx`);
      await createVersion(
        'plain',
        `http://localhost:5000/api/2.0/mlflow-artifacts/artifacts/${runRoot}/plain/iris.onnx`,
      );
      await createVersion('plain', 'models:/plain/1');
      const specs = await harness.context.modelRegistration.modelSpecs('plain');
      expect([...specs.keys()]).toEqual([1, 2, 3]);
      expect(new Set([...specs.values()].map((spec) => spec.sha256))).toEqual(new Set([sha256(iris)]));
    });

    it('a pyfunc model directory stays READY, with no runtime', async () => {
      await upload('pyfunc/MLmodel', PYFUNC_MLMODEL);
      await upload('pyfunc/python_model.pkl', Buffer.from([0x80, 0x04, 0x95]));
      const version = await createVersion('pyfunc', `mlflow-artifacts:/${runRoot}/pyfunc`);
      expect(version).toMatchObject({ status: 'READY' });
      expect(version.status_message).toBeUndefined();
      expect(await harness.context.modelRegistration.findModelSpec('pyfunc', 1)).toBeNull();
      await expect(harness.context.modelRegistration.getModelSpec('pyfunc', 1)).rejects.toThrow(
        'Assay cannot run model version pyfunc/1: its source is not an ONNX model',
      );
    });

    it('sources outside Assay’s artifact store are registry entries only', async () => {
      const version = await createVersion('elsewhere', 's3://bucket/models/model.onnx');
      expect(version.status).toBe('READY');
      expect(await status('elsewhere')).toEqual({ status: 'READY', statusMessage: null });
      expect(await harness.context.modelRegistration.findModelSpec('elsewhere', 1)).toBeNull();
    });

    it('a broken onnx model: FAILED_REGISTRATION with the runtime’s reason; the create call still answers', async () => {
      await upload('broken/model.onnx', iris.subarray(0, 100));
      await upload('broken/MLmodel', onnxMlmodel(runId));
      const version = await createVersion('broken', `mlflow-artifacts:/${runRoot}/broken`);
      expect(version.status).toBe('FAILED_REGISTRATION');
      expect(version.status_message).toBe('Failed to load model because protobuf parsing failed.');
      expect(await status('broken')).toEqual({
        status: 'FAILED_REGISTRATION',
        statusMessage: 'Failed to load model because protobuf parsing failed.',
      });
      const shown = await harness.mlflow.get('model-versions/get', { name: 'broken', version: '1' });
      expect(shown.body.model_version.status).toBe('FAILED_REGISTRATION');
      expect(shown.body.model_version.status_message).toBe(
        'Failed to load model because protobuf parsing failed.',
      );
      await expect(harness.context.modelRegistration.getModelSpec('broken', 1)).rejects.toThrow(
        'Model version broken/1 failed registration: Failed to load model because protobuf parsing failed.',
      );
    });

    it('an onnx flavor whose model file is missing: FAILED_REGISTRATION saying so', async () => {
      await upload('hollow/MLmodel', onnxMlmodel(runId));
      const version = await createVersion('hollow', `mlflow-artifacts:/${runRoot}/hollow`);
      expect(version.status_message).toMatch(
        new RegExp(`^Cannot read the model file '${runRoot}/hollow/model.onnx': `),
      );
      expect((await status('hollow'))?.status).toBe('FAILED_REGISTRATION');
    });

    it('an ONNX model whose outputs Assay cannot read: READY, not runnable, the reason in its status message', async () => {
      const embedding = buildOnnxModel({
        inputs: [{ name: 'x', type: 'float32', shape: ['N', 8] }],
        outputs: [{ name: 'embedding', type: 'float32', shape: ['N', 8] }],
        nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['embedding'] }],
      });
      await upload('embedder/model.onnx', embedding);
      await upload('embedder/MLmodel', onnxMlmodel(runId));
      const version = await createVersion('embedder', `mlflow-artifacts:/${runRoot}/embedder`);
      expect(version.status).toBe('READY');
      expect(version.status_message).toMatch(/^Assay cannot run this model: Cannot tell the model's task/);
      expect(await harness.context.modelRegistration.findModelSpec('embedder', 1)).toBeNull();
    });

    describe('MLflow deletes and renames', () => {
      it('carry the runtime rows along', async () => {
        const db = harness.context.database.db;
        expect(
          await harness.mlflow.post('registered-models/rename', { name: 'plain', new_name: 'renamed' }),
        ).toMatchObject({
          status: 200,
        });
        expect((await runtimes.forModel(db, 'renamed')).map((row) => row.version)).toEqual([1, 2, 3]);
        expect(await runtimes.forModel(db, 'plain')).toEqual([]);
        expect(
          await harness.mlflow.delete('model-versions/delete', { name: 'renamed', version: '2' }),
        ).toMatchObject({
          status: 200,
        });
        expect((await runtimes.forModel(db, 'renamed')).map((row) => row.version)).toEqual([1, 3]);
        expect(await harness.mlflow.delete('registered-models/delete', { name: 'renamed' })).toMatchObject({
          status: 200,
        });
        expect(await runtimes.forModel(db, 'renamed')).toEqual([]);
      });
    });
  },
);
