import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { createModel, createRegistryHarness, createVersion, error, ok } from './registry-fixtures.js';

const MISSING = (field: string) =>
  `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`;

describeEachStore('registry: registered models', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const clock = () => harness().clock;

  it('creates a model as MLflow answers: timestamps, tags, no empty description, no latest_versions', async () => {
    const now = clock().advance();
    const res = await ok(
      mlflow().post('registered-models/create', {
        name: 'rm-create',
        tags: [
          { key: 'owner', value: 'me' },
          { key: 'team', value: 'a' },
          { key: 'team', value: 'b' },
        ],
        description: 'smoke test',
      }),
    );
    expect(res.body).toEqual({
      registered_model: {
        name: 'rm-create',
        creation_timestamp: now,
        last_updated_timestamp: now,
        description: 'smoke test',
        // A repeated key keeps its last value.
        tags: [
          { key: 'owner', value: 'me' },
          { key: 'team', value: 'b' },
        ],
      },
    });
    const bare = await ok(mlflow().post('registered-models/create', { name: 'rm-bare' }));
    expect(bare.body).toEqual({
      registered_model: { name: 'rm-bare', creation_timestamp: now, last_updated_timestamp: now },
    });
    const emptyDescription = await createModel(mlflow(), 'rm-empty-description', { description: '' });
    expect(emptyDescription.description).toBeUndefined();
  });

  it('refuses duplicates, missing names and bad tags with MLflow codes and messages', async () => {
    await createModel(mlflow(), 'rm-dup');
    const dup = await mlflow().post('registered-models/create', { name: 'rm-dup' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual(
      error('RESOURCE_ALREADY_EXISTS', 'Registered Model (name=rm-dup) already exists.'),
    );

    for (const body of [{}, { name: '' }]) {
      const missing = await mlflow().post('registered-models/create', body);
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual(error('INVALID_PARAMETER_VALUE', MISSING('name')));
    }
    const badKey = await mlflow().post('registered-models/create', {
      name: 'rm-bad',
      tags: [{ key: 'a!b', value: 'x' }],
    });
    expect(badKey.body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        "Invalid tag name: 'a!b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).",
      ),
    );
    const noKey = await mlflow().post('registered-models/create', { name: 'rm-bad', tags: [{ value: 'x' }] });
    expect(noKey.body.message).toBe(
      "Invalid tag name: ''. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '.'",
    );
    const longValue = await mlflow().post('registered-models/create', {
      name: 'rm-bad',
      tags: [{ key: 'k', value: 'x'.repeat(5001) }],
    });
    expect(longValue.body.message).toBe(
      `Registered model value '${'x'.repeat(250)}' had length 5001, which exceeded length limit of 5000`,
    );
    const longKey = await mlflow().post('registered-models/create', {
      name: 'rm-bad',
      tags: [{ key: 'k'.repeat(251) }],
    });
    expect(longKey.body.message).toBe(
      `Registered model key '${'k'.repeat(250)}' had length 251, which exceeded length limit of 250`,
    );
    expect((await mlflow().get('registered-models/get', { name: 'rm-bad' })).status).toBe(404);
  });

  it('gets a model with its latest version per stage (None and Archived too), tags and aliases', async () => {
    await createModel(mlflow(), 'rm-get', { tags: [{ key: 'k', value: 'v' }] });
    for (let i = 0; i < 5; i += 1) await createVersion(mlflow(), 'rm-get');
    // v1 Staging, v2 None, v3 Production, v4 Staging, v5 Archived: stages first met in version order.
    const stages: Record<string, string> = {
      '1': 'Staging',
      '3': 'Production',
      '4': 'Staging',
      '5': 'Archived',
    };
    for (const [version, stage] of Object.entries(stages)) {
      await ok(
        mlflow().post('model-versions/transition-stage', {
          name: 'rm-get',
          version,
          stage,
          archive_existing_versions: false,
        }),
      );
    }
    await ok(mlflow().post('registered-models/alias', { name: 'rm-get', alias: 'champion', version: '3' }));
    const res = await ok(mlflow().get('registered-models/get', { name: 'rm-get' }));
    const model = res.body.registered_model;
    expect(
      model.latest_versions.map((v: { version: string; current_stage: string }) => [
        v.version,
        v.current_stage,
      ]),
    ).toEqual([
      ['4', 'Staging'],
      ['2', 'None'],
      ['3', 'Production'],
      ['5', 'Archived'],
    ]);
    // MLflow's SQL store shows no aliases inside latest_versions, but lists them on the model.
    expect(model.latest_versions.every((v: { aliases?: unknown }) => v.aliases === undefined)).toBe(true);
    expect(model.aliases).toEqual([{ alias: 'champion', version: '3' }]);
    expect(model.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(Object.keys(model)).toEqual([
      'name',
      'creation_timestamp',
      'last_updated_timestamp',
      'latest_versions',
      'tags',
      'aliases',
    ]);

    expect((await mlflow().get('registered-models/get', { name: 'nope' })).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found'),
    );
    expect((await mlflow().get('registered-models/get', { name: '' })).body).toEqual(
      error('INVALID_PARAMETER_VALUE', 'Registered model name cannot be empty.'),
    );
    expect((await mlflow().get('registered-models/get')).body).toEqual(
      error('INVALID_PARAMETER_VALUE', MISSING('name')),
    );
  });

  it('serves the same API under /ajax-api', async () => {
    await createModel(mlflow(), 'rm-ajax');
    const res = await harness().app.inject({
      method: 'GET',
      url: '/ajax-api/2.0/mlflow/registered-models/get?name=rm-ajax',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().registered_model.name).toBe('rm-ajax');
  });

  it('renames a model, carrying versions, their tags, model tags and aliases', async () => {
    await createModel(mlflow(), 'rm-old', { tags: [{ key: 'owner', value: 'me' }] });
    await createVersion(mlflow(), 'rm-old', { tags: [{ key: 'vk', value: 'vv' }] });
    await createVersion(mlflow(), 'rm-old');
    await ok(mlflow().post('registered-models/alias', { name: 'rm-old', alias: 'prod', version: '2' }));
    const renamedAt = clock().advance();
    const res = await ok(mlflow().post('registered-models/rename', { name: 'rm-old', new_name: 'rm-new' }));
    const model = res.body.registered_model;
    expect(model).toMatchObject({
      name: 'rm-new',
      last_updated_timestamp: renamedAt,
      tags: [{ key: 'owner', value: 'me' }],
      aliases: [{ alias: 'prod', version: '2' }],
    });
    expect(model.latest_versions).toEqual([
      expect.objectContaining({ name: 'rm-new', version: '2', last_updated_timestamp: renamedAt }),
    ]);

    const v1 = await ok(mlflow().get('model-versions/get', { name: 'rm-new', version: '1' }));
    expect(v1.body.model_version).toMatchObject({
      name: 'rm-new',
      tags: [{ key: 'vk', value: 'vv' }],
      last_updated_timestamp: renamedAt,
    });
    const byAlias = await ok(mlflow().get('registered-models/alias', { name: 'rm-new', alias: 'prod' }));
    expect(byAlias.body.model_version).toMatchObject({ name: 'rm-new', version: '2', aliases: ['prod'] });
    const search = await ok(
      mlflow().get('model-versions/search', { filter: "name='rm-new'", max_results: 10000 }),
    );
    expect(search.body.model_versions).toHaveLength(2);

    expect((await mlflow().get('registered-models/get', { name: 'rm-old' })).status).toBe(404);
    expect((await mlflow().get('model-versions/get', { name: 'rm-old', version: '1' })).status).toBe(404);
    // The old name is free again, and the renamed model keeps issuing its own numbers.
    await createModel(mlflow(), 'rm-old');
    expect((await createVersion(mlflow(), 'rm-old')).version).toBe('1');
    expect((await createVersion(mlflow(), 'rm-new')).version).toBe('3');
  });

  it('refuses renames onto an existing name, of unknown models, or without new_name', async () => {
    await createModel(mlflow(), 'rm-a');
    await createModel(mlflow(), 'rm-b');
    await createVersion(mlflow(), 'rm-a');
    const taken = await mlflow().post('registered-models/rename', { name: 'rm-a', new_name: 'rm-b' });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual(
      error('RESOURCE_ALREADY_EXISTS', 'Registered Model (name=rm-b) already exists.'),
    );
    // Nothing moved.
    expect(
      (await ok(mlflow().get('model-versions/get', { name: 'rm-a', version: '1' }))).body.model_version.name,
    ).toBe('rm-a');

    const unknown = await mlflow().post('registered-models/rename', { name: 'rm-none', new_name: 'rm-c' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=rm-none not found'),
    );
    for (const body of [{ name: 'rm-a' }, { name: 'rm-a', new_name: '' }]) {
      expect((await mlflow().post('registered-models/rename', body)).body).toEqual(
        error('INVALID_PARAMETER_VALUE', MISSING('new_name')),
      );
    }
    const same = await ok(mlflow().post('registered-models/rename', { name: 'rm-a', new_name: 'rm-a' }));
    expect(same.body.registered_model.name).toBe('rm-a');
  });

  it('updates the description with PATCH; an absent description clears it', async () => {
    const created = clock().advance();
    await createModel(mlflow(), 'rm-upd', { description: 'first' });
    const updated = clock().advance();
    const res = await ok(
      mlflow().patch('registered-models/update', { name: 'rm-upd', description: 'second' }),
    );
    expect(res.body.registered_model).toEqual({
      name: 'rm-upd',
      creation_timestamp: created,
      last_updated_timestamp: updated,
      description: 'second',
    });
    const cleared = await ok(mlflow().patch('registered-models/update', { name: 'rm-upd' }));
    expect(cleared.body.registered_model.description).toBeUndefined();
    expect((await mlflow().patch('registered-models/update', { name: 'nope' })).status).toBe(404);
    expect((await mlflow().patch('registered-models/update', {})).body).toEqual(
      error('INVALID_PARAMETER_VALUE', MISSING('name')),
    );
    // Only PATCH: MLflow's route allows no other method.
    expect((await mlflow().post('registered-models/update', { name: 'rm-upd' })).status).toBe(404);
  });

  it('deletes a model with DELETE and a JSON body, with its versions and aliases; numbering restarts', async () => {
    await createModel(mlflow(), 'rm-del', { tags: [{ key: 'k', value: 'v' }] });
    await createVersion(mlflow(), 'rm-del');
    await createVersion(mlflow(), 'rm-del');
    await ok(mlflow().post('registered-models/alias', { name: 'rm-del', alias: 'a', version: '2' }));
    expect((await ok(mlflow().delete('registered-models/delete', { name: 'rm-del' }))).body).toEqual({});
    expect((await mlflow().get('registered-models/get', { name: 'rm-del' })).status).toBe(404);
    expect((await mlflow().get('model-versions/get', { name: 'rm-del', version: '1' })).status).toBe(404);
    expect((await mlflow().delete('registered-models/delete', { name: 'rm-del' })).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=rm-del not found'),
    );
    // A new model of that name starts afresh: no versions, tags or aliases of the old one.
    const again = await createModel(mlflow(), 'rm-del');
    expect(again.tags).toBeUndefined();
    expect((await createVersion(mlflow(), 'rm-del')).version).toBe('1');
    expect((await mlflow().get('registered-models/alias', { name: 'rm-del', alias: 'a' })).status).toBe(400);
    const bodiless = await harness().app.inject({
      method: 'DELETE',
      url: '/api/2.0/mlflow/registered-models/delete',
    });
    expect(bodiless.json()).toEqual(error('INVALID_PARAMETER_VALUE', MISSING('name')));
  });

  it('sets and deletes model tags without touching timestamps', async () => {
    await createModel(mlflow(), 'rm-tags');
    const before = (await ok(mlflow().get('registered-models/get', { name: 'rm-tags' }))).body
      .registered_model;
    clock().advance();
    await ok(mlflow().post('registered-models/set-tag', { name: 'rm-tags', key: 'k', value: 'v1' }));
    await ok(mlflow().post('registered-models/set-tag', { name: 'rm-tags', key: 'k', value: 'v2' }));
    await ok(mlflow().post('registered-models/set-tag', { name: 'rm-tags', key: 'empty' }));
    let model = (await ok(mlflow().get('registered-models/get', { name: 'rm-tags' }))).body.registered_model;
    expect(model.tags).toEqual([
      { key: 'empty', value: '' },
      { key: 'k', value: 'v2' },
    ]);
    expect(model.last_updated_timestamp).toBe(before.last_updated_timestamp);
    expect(
      (await ok(mlflow().delete('registered-models/delete-tag', { name: 'rm-tags', key: 'k' }))).body,
    ).toEqual({});
    await ok(mlflow().delete('registered-models/delete-tag', { name: 'rm-tags', key: 'never-set' }));
    model = (await ok(mlflow().get('registered-models/get', { name: 'rm-tags' }))).body.registered_model;
    expect(model.tags).toEqual([{ key: 'empty', value: '' }]);

    expect(
      (await mlflow().post('registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' })).body,
    ).toEqual(error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found'));
    expect((await mlflow().delete('registered-models/delete-tag', { name: 'nope', key: 'k' })).status).toBe(
      404,
    );
    expect((await mlflow().post('registered-models/set-tag', { name: 'rm-tags', value: 'v' })).body).toEqual(
      error('INVALID_PARAMETER_VALUE', MISSING('key')),
    );
    expect(
      (await mlflow().post('registered-models/set-tag', { name: 'rm-tags', key: '../x', value: 'v' })).body
        .message,
    ).toBe(
      "Invalid tag name: '../x'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '../x'",
    );
  });
});
