import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import {
  createModel,
  createRegistryHarness,
  createRun,
  createVersion,
  error,
  ok,
} from './registry-fixtures.js';

describeEachStore('registry: model version sources', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;

  it("refuses sources that climb out with `..`, and local paths outside the run's artifact directory", async () => {
    await createModel(mlflow(), 'mv-src');
    const relative = (source: string) =>
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`;
    for (const source of [
      'mlflow-artifacts://host:9000/models/../../../',
      'http://host:9000/models/../../../',
      's3a://bucket/models/../other',
      'mlflow-artifacts://host:9000/models/..%2f..%2fartifacts',
      'mlflow-artifacts://host:9000/models/artifact%00',
      'mlflow-artifacts:/models/x%23/../../../etc',
      's3://bucket',
    ]) {
      const res = await mlflow().post('model-versions/create', { name: 'mv-src', source });
      expect(res.status, source).toBe(400);
      expect(res.body).toEqual(error('INVALID_PARAMETER_VALUE', relative(source)));
    }
    for (const source of [
      'mlflow-artifacts:/models',
      'mlflow-artifacts:/models///',
      'mlflow-artifacts://host:9000/models/a/..../b',
    ]) {
      await ok(mlflow().post('model-versions/create', { name: 'mv-src', source }));
    }

    const local = (source: string) =>
      `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`;
    expect(
      (await mlflow().post('model-versions/create', { name: 'mv-src', source: '/etc/passwd' })).body,
    ).toEqual(error('INVALID_PARAMETER_VALUE', local('/etc/passwd')));
    // A run whose artifacts live in a local directory may register paths inside it, and only there.
    const root = `${harness().store.dir}/local-artifacts`;
    const experiment = await ok(
      mlflow().post('experiments/create', { name: 'mv-local', artifact_location: root }),
    );
    const { runId, artifactUri } = await createRun(mlflow(), experiment.body.experiment_id);
    expect(artifactUri).toBe(`${root}/${runId}/artifacts`);
    await ok(
      mlflow().post('model-versions/create', {
        name: 'mv-src',
        source: `${artifactUri}/model`,
        run_id: runId,
      }),
    );
    await ok(
      mlflow().post('model-versions/create', {
        name: 'mv-src',
        source: `file://${artifactUri}/model`,
        run_id: runId,
      }),
    );
    const escape = await mlflow().post('model-versions/create', {
      name: 'mv-src',
      source: `${artifactUri}/../../other`,
      run_id: runId,
    });
    expect(escape.body).toEqual(error('INVALID_PARAMETER_VALUE', local(`${root}/other`)));
    // A proxied run (mlflow-artifacts:) has no local directory to contain anything.
    const proxied = await createRun(mlflow());
    const notLocal = await mlflow().post('model-versions/create', {
      name: 'mv-src',
      source: '/tmp/model',
      run_id: proxied.runId,
    });
    expect(notLocal.body).toEqual(error('INVALID_PARAMETER_VALUE', local('/tmp/model')));
    // MLflow answers 500 for a file: URI on another host; Assay 400 with its message.
    const remote = await mlflow().post('model-versions/create', {
      name: 'mv-src',
      source: 'file://otherhost/x',
    });
    expect(remote.body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        'file://otherhost/x is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).',
      ),
    );
  });

  it('resolves models:/name/<version> sources, and refuses the forms MLflow cannot resolve', async () => {
    await createModel(mlflow(), 'mv-base');
    await createVersion(mlflow(), 'mv-base', { source: 's3://bucket/base-model' });
    await createModel(mlflow(), 'mv-copy');
    const copy = await createVersion(mlflow(), 'mv-copy', { source: 'models:/mv-base/1' });
    expect(copy.source).toBe('models:/mv-base/1');
    expect(
      (await ok(mlflow().get('model-versions/get-download-uri', { name: 'mv-copy', version: '1' }))).body,
    ).toEqual({
      artifact_uri: 's3://bucket/base-model',
    });
    const unable = (source: string, reason: string) =>
      `Unable to fetch model from model URI source artifact location '${source}'.Error: ${reason}`;
    const byStage = await mlflow().post('model-versions/create', {
      name: 'mv-copy',
      source: 'models:/mv-base/Production',
    });
    expect(byStage.body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        unable('models:/mv-base/Production', "Model version must be an integer, got 'None'"),
      ),
    );
    const missing = await mlflow().post('model-versions/create', {
      name: 'mv-copy',
      source: 'models:/mv-base/7',
    });
    expect(missing.body.message).toBe(
      unable('models:/mv-base/7', 'Model Version (name=mv-base, version=7) not found'),
    );
    const improper = await mlflow().post('model-versions/create', {
      name: 'mv-copy',
      source: 'models:/a/b/c',
    });
    expect(improper.body.message).toMatch(
      /^Not a proper models:\/ URI: models:\/a\/b\/c\. Models URIs must be of the form/,
    );
  });
});
