import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidParameterError, InvalidStateError, NotFoundError } from '../../src/errors/assay-error.js';
import { ModelRegistrationFailedError } from '../../src/registry/model-registration-service.js';
import { ModelRuntimeRepository } from '../../src/store/model-runtime-repository.js';
import { ModelVersionRepository } from '../../src/store/model-version-repository.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';
import {
  featureColumns,
  fixtureBytes,
  fixturePath,
  readFixtureCsv,
} from '../runtime/support/fixture-tables.js';

const ACTOR = 'alice';
const FEATURES = featureColumns(readFixtureCsv('breast_cancer', 'breast_cancer.csv'));
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describeEachStore(
  'registering ONNX files as model versions',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    const registration = () => harness.context.modelRegistration;
    const runtimes = new ModelRuntimeRepository();
    const logreg = fixtureBytes('breast_cancer', 'bc-logreg-v1.onnx');
    const mlp = fixtureBytes('breast_cancer', 'bc-mlp-v2.onnx');

    beforeAll(() => {
      harness = get();
    });

    describe('file -> versions 1, 2, 3', () => {
      it('a path: the model is created, version 1 is READY and runnable, features recorded', async () => {
        const { version, spec } = await registration().registerModelFile(
          'cancer',
          fixturePath('breast_cancer', 'bc-logreg-v1.onnx'),
          { features: FEATURES, description: 'baseline', actor: ACTOR },
        );
        expect(version).toMatchObject({
          name: 'cancer',
          version: 1,
          status: 'READY',
          statusMessage: null,
          description: 'baseline',
          userId: ACTOR,
          source: `mlflow-artifacts:/models/${sha256(logreg)}/model.onnx`,
        });
        expect(spec).toMatchObject({
          task: 'classification',
          featureColumns: FEATURES,
          sha256: sha256(logreg),
        });
        expect(await registration().getModelSpec('cancer', 1)).toEqual(spec);
        expect(await registration().getModelSpec('cancer', '1')).toEqual(spec);
      });

      it('a stream: version 2, without features (the dataset will decide)', async () => {
        const { version, spec } = await registration().registerModelFile('cancer', Readable.from([mlp]), {
          actor: ACTOR,
        });
        expect(version.version).toBe(2);
        expect(spec.featureColumns).toBeNull();
        expect(spec.sizeBytes).toBe(mlp.length);
      });

      it('the same file again: version 3, sharing the stored file', async () => {
        const { version } = await registration().registerModelFile('cancer', Readable.from([logreg]), {
          actor: ACTOR,
        });
        expect(version.version).toBe(3);
        expect(version.source).toBe(`mlflow-artifacts:/models/${sha256(logreg)}/model.onnx`);
      });

      it('MLflow clients see the version and can download its file through the artifact proxy', async () => {
        const shown = await harness.mlflow.get('model-versions/get', { name: 'cancer', version: '1' });
        expect(shown.status).toBe(200);
        expect(shown.body.model_version).toMatchObject({ status: 'READY', user_id: ACTOR });
        const uri = await harness.mlflow.get('model-versions/get-download-uri', {
          name: 'cancer',
          version: '1',
        });
        const artifactPath = String(uri.body.artifact_uri).replace(/^mlflow-artifacts:\//, '');
        const download = await harness.app.inject({
          method: 'GET',
          url: `/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`,
        });
        expect(download.statusCode).toBe(200);
        expect(Buffer.compare(download.rawPayload, logreg)).toBe(0);
      });

      it('getRunnable reads the bytes back, checked against the recorded sha256', async () => {
        const runnable = await registration().getRunnable('cancer', 2);
        expect(runnable).toMatchObject({
          name: 'cancer',
          version: 2,
          artifactPath: `models/${sha256(mlp)}/model.onnx`,
        });
        expect(Buffer.compare(await runnable.readBytes(), mlp)).toBe(0);
        expect((await registration().modelSpecs('cancer')).size).toBe(3);
        expect(await registration().findModelSpec('cancer', 99)).toBeNull();
      });
    });

    describe('files that do not load', () => {
      it('a corrupt file: version FAILED_REGISTRATION with the runtime’s reason, and the error says it', async () => {
        const corrupt = Buffer.from('definitely not an onnx model');
        const error = await registration()
          .registerModelFile('broken', Readable.from([corrupt]), { actor: ACTOR })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ModelRegistrationFailedError);
        const failure = error as ModelRegistrationFailedError;
        expect(failure.reason).toBe('Failed to load model because protobuf parsing failed.');
        expect(failure.message).toBe(
          'Model version broken/1 failed registration: the model does not load in onnxruntime: Failed to load model because protobuf parsing failed.',
        );
        expect(failure.version).toBe(1);
        const { database } = harness.context;
        expect(
          await new ModelVersionRepository(database.dialect).find(database.db, 'broken', 1),
        ).toMatchObject({
          status: 'FAILED_REGISTRATION',
          statusMessage: 'Failed to load model because protobuf parsing failed.',
        });
        const shown = await harness.mlflow.get('model-versions/get', { name: 'broken', version: '1' });
        expect(shown.body.model_version.status_message).toBe(
          'Failed to load model because protobuf parsing failed.',
        );
        await expect(registration().getModelSpec('broken', 1)).rejects.toThrow(
          new InvalidStateError(
            'Model version broken/1 failed registration: Failed to load model because protobuf parsing failed.',
          ),
        );
        // The source still leads to the file that failed.
        const stored = await harness.context.artifactStore.read(`models/${sha256(corrupt)}/model.onnx`);
        expect(stored.size).toBe(corrupt.length);
        stored.stream.destroy();
      });

      it('overrides that do not fit the model: refused before anything is written', async () => {
        const before = (await harness.context.registeredModels.get('cancer')).latestVersions.map(
          (v) => v.version,
        );
        await expect(
          registration().registerModelFile('cancer', Readable.from([mlp]), {
            features: ['a', 'b'],
            actor: ACTOR,
          }),
        ).rejects.toThrow("The model's input 'input' [N, 30] takes 30 feature columns; 2 were given (a, b)");
        await expect(
          registration().registerModelFile('cancer', Readable.from([mlp]), {
            outputs: { value: 'scores' },
            actor: ACTOR,
          }),
        ).rejects.toThrow(InvalidParameterError);
        expect(
          (await harness.context.registeredModels.get('cancer')).latestVersions.map((v) => v.version),
        ).toEqual(before);
        await expect(harness.context.registeredModels.get('never-made')).rejects.toThrow(NotFoundError);
      });

      it('a path that is not a readable file, a bad model name', async () => {
        const missing = path.join(harness.store.dir, 'nowhere.onnx');
        await expect(registration().registerModelFile('cancer', missing, { actor: ACTOR })).rejects.toThrow(
          `Cannot read the model file '${missing}': no such file`,
        );
        await expect(
          registration().registerModelFile('cancer', harness.store.dir, { actor: ACTOR }),
        ).rejects.toThrow(`The model file '${harness.store.dir}' is not a file`);
        await expect(
          registration().registerModelFile('', Readable.from([mlp]), { actor: ACTOR }),
        ).rejects.toThrow(InvalidParameterError);
      });
    });

    describe('a version Assay cannot run', () => {
      it('not found, or not runnable: each says so', async () => {
        await expect(registration().getModelSpec('cancer', 42)).rejects.toThrow(
          new NotFoundError('Model Version (name=cancer, version=42) not found'),
        );
        await harness.context.registeredModels.create({ name: 'pickled' });
        await harness.context.modelVersions.create({ name: 'pickled', source: 's3://bucket/model' });
        await expect(registration().getRunnable('pickled', 1)).rejects.toThrow(
          new InvalidStateError('Assay cannot run model version pickled/1: its source is not an ONNX model'),
        );
      });

      it('a stored file changed behind the registry’s back is refused', async () => {
        const { version } = await registration().registerModelFile('tampered', Readable.from([mlp]), {
          actor: ACTOR,
        });
        const runnable = await registration().getRunnable('tampered', version.version);
        const onDisk = path.join(harness.store.artifactsDir, runnable.artifactPath);
        const original = await fs.readFile(onDisk);
        await fs.writeFile(onDisk, logreg);
        try {
          await expect(runnable.readBytes()).rejects.toThrow(/changed since registration/);
        } finally {
          await fs.writeFile(onDisk, original);
        }
      });
    });

    describe('renames and deletions carry the runtime rows', () => {
      it('renaming the model renames its runtimes', async () => {
        await registration().registerModelFile('old-name', Readable.from([logreg]), { actor: ACTOR });
        await registration().registerModelFile('old-name', Readable.from([mlp]), { actor: ACTOR });
        await harness.context.registeredModels.rename('old-name', 'new-name', { actor: ACTOR });
        expect((await registration().getModelSpec('new-name', 2)).sha256).toBe(sha256(mlp));
        await expect(registration().getModelSpec('old-name', 1)).rejects.toThrow(NotFoundError);
        expect(await runtimes.forModel(harness.context.database.db, 'old-name')).toEqual([]);
      });

      it('deleting a version deletes its runtime; deleting the model deletes the rest', async () => {
        const db = harness.context.database.db;
        await harness.context.modelVersions.delete('new-name', '1', { actor: ACTOR });
        expect((await runtimes.forModel(db, 'new-name')).map((row) => row.version)).toEqual([2]);
        await harness.context.registeredModels.delete('new-name', { actor: ACTOR });
        expect(await runtimes.forModel(db, 'new-name')).toEqual([]);
        // A new model of the same name starts from version 1, with no runtime left over.
        const { version } = await registration().registerModelFile('new-name', Readable.from([mlp]), {
          actor: ACTOR,
        });
        expect(version.version).toBe(1);
        expect((await runtimes.forModel(db, 'new-name')).map((row) => row.version)).toEqual([1]);
      });
    });
  },
);
