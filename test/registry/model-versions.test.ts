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

describeEachStore('registry: model versions', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const clock = () => harness().clock;

  it('creates READY versions numbered from 1, printing MLflow\'s "" fields and moving the model\'s timestamp', async () => {
    await createModel(mlflow(), 'mv-create');
    const { runId, artifactUri } = await createRun(mlflow());
    const at = clock().advance();
    const res = await ok(
      mlflow().post('model-versions/create', {
        name: 'mv-create',
        source: `${artifactUri}/model`,
        run_id: runId,
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    expect(res.body).toEqual({
      model_version: {
        name: 'mv-create',
        version: '1',
        creation_timestamp: at,
        last_updated_timestamp: at,
        current_stage: 'None',
        description: '',
        source: `${artifactUri}/model`,
        run_id: runId,
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
        run_link: '',
      },
    });
    // Key order is MLflow's (proto field order).
    expect(Object.keys(res.body.model_version)).toEqual([
      'name',
      'version',
      'creation_timestamp',
      'last_updated_timestamp',
      'current_stage',
      'description',
      'source',
      'run_id',
      'status',
      'tags',
      'run_link',
    ]);
    const second = await createVersion(mlflow(), 'mv-create', { description: 'd', run_link: 'http://x' });
    expect(second).toMatchObject({ version: '2', description: 'd', run_id: '', run_link: 'http://x' });
    const model = (await ok(mlflow().get('registered-models/get', { name: 'mv-create' }))).body
      .registered_model;
    expect(model.last_updated_timestamp).toBe(at);
  });

  it('refuses versions of unknown models, of unknown runs, and without name or source', async () => {
    expect((await mlflow().post('model-versions/create', { name: 'nope', source: 's3://b/m' })).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found'),
    );
    await createModel(mlflow(), 'mv-refuse');
    const noRun = await mlflow().post('model-versions/create', {
      name: 'mv-refuse',
      source: 's3://b/m',
      run_id: 'f'.repeat(32),
    });
    expect(noRun.status).toBe(404);
    expect(noRun.body).toEqual(error('RESOURCE_DOES_NOT_EXIST', `Run with id=${'f'.repeat(32)} not found`));
    for (const [body, field] of [
      [{ source: 's3://b/m' }, 'name'],
      [{ name: 'mv-refuse' }, 'source'],
      [{ name: 'mv-refuse', source: '' }, 'source'],
    ] as const) {
      expect((await mlflow().post('model-versions/create', body)).body).toEqual(
        error(
          'INVALID_PARAMETER_VALUE',
          `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`,
        ),
      );
    }
    const badTag = await mlflow().post('model-versions/create', {
      name: 'mv-refuse',
      source: 's3://b/m',
      tags: [{ key: 'k', value: 'v'.repeat(5001) }],
    });
    expect(badTag.body.message).toBe(
      `Model version value '${'v'.repeat(250)}' had length 5001, which exceeded length limit of 5000`,
    );
    // None of the refusals issued a number.
    expect((await createVersion(mlflow(), 'mv-refuse')).version).toBe('1');
  });

  it('gets a version with its aliases; refuses non-integer and unknown versions', async () => {
    await createModel(mlflow(), 'mv-get');
    await createVersion(mlflow(), 'mv-get');
    await ok(mlflow().post('registered-models/alias', { name: 'mv-get', alias: 'b', version: '1' }));
    await ok(mlflow().post('registered-models/alias', { name: 'mv-get', alias: 'a', version: '1' }));
    const res = await ok(mlflow().get('model-versions/get', { name: 'mv-get', version: '1' }));
    expect(res.body.model_version.aliases).toEqual(['a', 'b']);
    expect(
      (await ok(mlflow().get('model-versions/get', { name: 'mv-get', version: '01' }))).body.model_version
        .version,
    ).toBe('1');
    expect((await mlflow().get('model-versions/get', { name: 'mv-get', version: 'abc' })).body).toEqual(
      error('INVALID_PARAMETER_VALUE', "Model version must be an integer, got 'abc'"),
    );
    expect((await mlflow().get('model-versions/get', { name: 'mv-get', version: '9' })).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Model Version (name=mv-get, version=9) not found'),
    );
    expect((await mlflow().get('model-versions/get', { name: '', version: '1' })).body).toEqual(
      error('INVALID_PARAMETER_VALUE', 'Registered model name cannot be empty.'),
    );
    expect(
      (await mlflow().get('model-versions/get-download-uri', { name: 'mv-get', version: '2' })).status,
    ).toBe(404);
  });

  it('updates a description with PATCH: "" keeps an empty one, absent clears it; the model keeps its time', async () => {
    await createModel(mlflow(), 'mv-upd');
    await createVersion(mlflow(), 'mv-upd');
    const modelTime = (await ok(mlflow().get('registered-models/get', { name: 'mv-upd' }))).body
      .registered_model.last_updated_timestamp;
    const at = clock().advance();
    const set = await ok(
      mlflow().patch('model-versions/update', { name: 'mv-upd', version: '1', description: 'new' }),
    );
    expect(set.body.model_version).toMatchObject({ description: 'new', last_updated_timestamp: at });
    const empty = await ok(
      mlflow().patch('model-versions/update', { name: 'mv-upd', version: '1', description: '' }),
    );
    expect(empty.body.model_version.description).toBe('');
    const cleared = await ok(mlflow().patch('model-versions/update', { name: 'mv-upd', version: '1' }));
    expect('description' in cleared.body.model_version).toBe(false);
    const model = (await ok(mlflow().get('registered-models/get', { name: 'mv-upd' }))).body.registered_model;
    expect(model.last_updated_timestamp).toBe(modelTime);
    expect((await mlflow().patch('model-versions/update', { name: 'mv-upd', version: '5' })).status).toBe(
      404,
    );
  });

  it('deletes a version for good: 404 after, its number never reissued, the model touched', async () => {
    await createModel(mlflow(), 'mv-del');
    await createVersion(mlflow(), 'mv-del');
    await createVersion(mlflow(), 'mv-del');
    const at = clock().advance();
    expect(
      (await ok(mlflow().delete('model-versions/delete', { name: 'mv-del', version: '2' }))).body,
    ).toEqual({});
    expect((await mlflow().get('model-versions/get', { name: 'mv-del', version: '2' })).status).toBe(404);
    expect((await mlflow().delete('model-versions/delete', { name: 'mv-del', version: '2' })).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Model Version (name=mv-del, version=2) not found'),
    );
    const model = (await ok(mlflow().get('registered-models/get', { name: 'mv-del' }))).body.registered_model;
    expect(model.last_updated_timestamp).toBe(at);
    expect(model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    expect((await createVersion(mlflow(), 'mv-del')).version).toBe('3');
    // Deleting the newest version does not free its number either.
    await ok(mlflow().delete('model-versions/delete', { name: 'mv-del', version: '3' }));
    expect((await createVersion(mlflow(), 'mv-del')).version).toBe('4');
  });

  it('sets and deletes version tags without touching timestamps', async () => {
    await createModel(mlflow(), 'mv-tags');
    const created = await createVersion(mlflow(), 'mv-tags');
    clock().advance();
    await ok(
      mlflow().post('model-versions/set-tag', { name: 'mv-tags', version: '1', key: 'k', value: 'v' }),
    );
    await ok(
      mlflow().post('model-versions/set-tag', { name: 'mv-tags', version: '1', key: 'k', value: 'w' }),
    );
    await ok(mlflow().post('model-versions/set-tag', { name: 'mv-tags', version: '1', key: 'e' }));
    let version = (await ok(mlflow().get('model-versions/get', { name: 'mv-tags', version: '1' }))).body
      .model_version;
    expect(version.tags).toEqual([
      { key: 'e', value: '' },
      { key: 'k', value: 'w' },
    ]);
    expect(version.last_updated_timestamp).toBe(created.last_updated_timestamp);
    await ok(mlflow().delete('model-versions/delete-tag', { name: 'mv-tags', version: '1', key: 'k' }));
    await ok(mlflow().delete('model-versions/delete-tag', { name: 'mv-tags', version: '1', key: 'absent' }));
    version = (await ok(mlflow().get('model-versions/get', { name: 'mv-tags', version: '1' }))).body
      .model_version;
    expect(version.tags).toEqual([{ key: 'e', value: '' }]);

    expect(
      (await mlflow().post('model-versions/set-tag', { name: 'mv-tags', version: 'x', key: 'k', value: 'v' }))
        .body,
    ).toEqual(error('INVALID_PARAMETER_VALUE', "Model version must be an integer, got 'x'"));
    expect(
      (await mlflow().post('model-versions/set-tag', { name: 'mv-tags', version: '4', key: 'k', value: 'v' }))
        .body,
    ).toEqual(error('RESOURCE_DOES_NOT_EXIST', 'Model Version (name=mv-tags, version=4) not found'));
    expect(
      (await mlflow().delete('model-versions/delete-tag', { name: 'mv-tags', version: '4', key: 'k' }))
        .status,
    ).toBe(404);
    expect(
      (
        await mlflow().post('model-versions/set-tag', {
          name: 'mv-tags',
          version: '1',
          key: 'a b!',
          value: 'v',
        })
      ).status,
    ).toBe(400);
  });

  it('transitions stages case-insensitively, archiving the others in the target stage when asked', async () => {
    await createModel(mlflow(), 'mv-stage');
    for (let i = 0; i < 4; i += 1) await createVersion(mlflow(), 'mv-stage');
    await ok(mlflow().post('registered-models/alias', { name: 'mv-stage', alias: 'live', version: '3' }));
    const stageOf = async (version: string) =>
      (await ok(mlflow().get('model-versions/get', { name: 'mv-stage', version }))).body.model_version
        .current_stage;

    await ok(
      mlflow().post('model-versions/transition-stage', {
        name: 'mv-stage',
        version: '1',
        stage: 'production',
        archive_existing_versions: false,
      }),
    );
    await ok(
      mlflow().post('model-versions/transition-stage', {
        name: 'mv-stage',
        version: '2',
        stage: 'Staging',
        archive_existing_versions: false,
      }),
    );
    await ok(
      mlflow().post('model-versions/transition-stage', {
        name: 'mv-stage',
        version: '4',
        stage: 'Production',
        archive_existing_versions: false,
      }),
    );
    expect(await stageOf('1')).toBe('Production');

    const at = clock().advance();
    const res = await ok(
      mlflow().post('model-versions/transition-stage', {
        name: 'mv-stage',
        version: '3',
        stage: 'PRODUCTION',
        archive_existing_versions: true,
      }),
    );
    expect(res.body.model_version).toMatchObject({
      version: '3',
      current_stage: 'Production',
      last_updated_timestamp: at,
      aliases: ['live'],
    });
    expect([await stageOf('1'), await stageOf('2'), await stageOf('4')]).toEqual([
      'Archived',
      'Staging',
      'Archived',
    ]);
    const archived = (await ok(mlflow().get('model-versions/get', { name: 'mv-stage', version: '1' }))).body
      .model_version;
    expect(archived.last_updated_timestamp).toBe(at);
    const model = (await ok(mlflow().get('registered-models/get', { name: 'mv-stage' }))).body
      .registered_model;
    expect(model.last_updated_timestamp).toBe(at);

    const invalid = await mlflow().post('model-versions/transition-stage', {
      name: 'mv-stage',
      version: '1',
      stage: 'Prod',
    });
    expect(invalid.body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        'Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived.',
      ),
    );
    // MLflow answers 500 for this; Assay 400 with the same message.
    const notActive = await mlflow().post('model-versions/transition-stage', {
      name: 'mv-stage',
      version: '1',
      stage: 'archived',
      archive_existing_versions: true,
    });
    expect(notActive.status).toBe(400);
    expect(notActive.body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        "Model version transition cannot archive existing model versions because 'archived' is not an Active stage. Valid stages are ['Staging', 'Production']",
      ),
    );
    expect(await stageOf('1')).toBe('Archived');
    expect(
      (
        await mlflow().post('model-versions/transition-stage', {
          name: 'mv-stage',
          version: '9',
          stage: 'None',
        })
      ).body,
    ).toEqual(error('RESOURCE_DOES_NOT_EXIST', 'Model Version (name=mv-stage, version=9) not found'));
    expect(
      (await mlflow().post('model-versions/transition-stage', { name: 'mv-stage', version: '1' })).body
        .message,
    ).toBe(
      "Missing value for required parameter 'stage'. See the API docs for more information about request parameters.",
    );
  });
});
