import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { createModel, createRegistryHarness, createVersion, error, ok } from './registry-fixtures.js';

describeEachStore('registry: aliases', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const clock = () => harness().clock;
  const setAlias = (name: string, alias: string, version: string) =>
    mlflow().post('registered-models/alias', { name, alias, version });
  const getAlias = (name: string, alias: string) => mlflow().get('registered-models/alias', { name, alias });

  it('sets, reads (GET with aliases), moves and deletes an alias; timestamps stay', async () => {
    await createModel(mlflow(), 'al');
    await createVersion(mlflow(), 'al');
    await createVersion(mlflow(), 'al');
    const before = (await ok(mlflow().get('registered-models/get', { name: 'al' }))).body.registered_model;
    clock().advance();
    expect((await ok(setAlias('al', 'champion', '1'))).body).toEqual({});
    const got = await ok(getAlias('al', 'champion'));
    expect(got.body.model_version).toMatchObject({ name: 'al', version: '1', aliases: ['champion'] });

    await ok(setAlias('al', 'champion', '2'));
    await ok(setAlias('al', 'challenger', '1'));
    expect((await ok(getAlias('al', 'champion'))).body.model_version).toMatchObject({
      version: '2',
      aliases: ['champion'],
    });
    const model = (await ok(mlflow().get('registered-models/get', { name: 'al' }))).body.registered_model;
    expect(model.aliases).toEqual([
      { alias: 'challenger', version: '1' },
      { alias: 'champion', version: '2' },
    ]);
    expect(model.last_updated_timestamp).toBe(before.last_updated_timestamp);

    expect(
      (await ok(mlflow().delete('registered-models/alias', { name: 'al', alias: 'champion' }))).body,
    ).toEqual({});
    await ok(mlflow().delete('registered-models/alias', { name: 'al', alias: 'never-set' }));
    expect((await getAlias('al', 'champion')).body).toEqual(
      error('INVALID_PARAMETER_VALUE', 'Registered model alias champion not found.'),
    );
  });

  it('refuses reserved and malformed aliases, unknown versions and models', async () => {
    await createModel(mlflow(), 'al-bad');
    await createVersion(mlflow(), 'al-bad');
    const refused = async (alias: string, message: string) => {
      const res = await setAlias('al-bad', alias, '1');
      expect(res.status, alias).toBe(400);
      expect(res.body).toEqual(error('INVALID_PARAMETER_VALUE', message));
    };
    await refused('latest', "'latest' alias name (case insensitive) is reserved.");
    await refused('LaTeSt', "'latest' alias name (case insensitive) is reserved.");
    await refused('v1', "Version alias name 'v1' is reserved.");
    await refused('V12', "Version alias name 'V12' is reserved.");
    await refused(
      'a.b',
      "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), and dashes (-).",
    );
    await refused(
      'a'.repeat(256),
      `Registered model alias name '${'a'.repeat(250)}' had length 256, which exceeded length limit of 255`,
    );
    await ok(setAlias('al-bad', 'v1x', '1'));
    await ok(setAlias('al-bad', 'prod_2-ü', '1'));
    expect(
      (await mlflow().delete('registered-models/alias', { name: 'al-bad', alias: 'V3' })).body.message,
    ).toBe("Version alias name 'V3' is reserved.");
    expect((await getAlias('al-bad', 'latest')).body.message).toBe(
      "'latest' alias name (case insensitive) is reserved.",
    );

    expect((await setAlias('al-bad', 'x', '2')).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Model Version (name=al-bad, version=2) not found'),
    );
    expect((await setAlias('al-bad', 'x', 'two')).body).toEqual(
      error('INVALID_PARAMETER_VALUE', "Model version must be an integer, got 'two'"),
    );
    expect((await setAlias('nope', 'x', '1')).status).toBe(404);
    expect(
      (await mlflow().post('registered-models/alias', { name: 'al-bad', version: '1' })).body.message,
    ).toBe(
      "Missing value for required parameter 'alias'. See the API docs for more information about request parameters.",
    );
    // MLflow's SQL store answers an unknown model here with the alias message (400), not a 404.
    expect((await getAlias('nope', 'x')).body).toEqual(
      error('INVALID_PARAMETER_VALUE', 'Registered model alias x not found.'),
    );
    expect((await mlflow().delete('registered-models/alias', { name: 'nope', alias: 'x' })).body).toEqual(
      error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found'),
    );
  });

  it('deleting a version deletes the aliases pointing at it (MLflow 2.10.2 leaves them dangling)', async () => {
    await createModel(mlflow(), 'al-del');
    await createVersion(mlflow(), 'al-del');
    await createVersion(mlflow(), 'al-del');
    await ok(setAlias('al-del', 'prod', '2'));
    await ok(setAlias('al-del', 'canary', '2'));
    await ok(setAlias('al-del', 'old', '1'));
    await ok(mlflow().delete('model-versions/delete', { name: 'al-del', version: '2' }));
    expect((await getAlias('al-del', 'prod')).body).toEqual(
      error('INVALID_PARAMETER_VALUE', 'Registered model alias prod not found.'),
    );
    const model = (await ok(mlflow().get('registered-models/get', { name: 'al-del' }))).body.registered_model;
    expect(model.aliases).toEqual([{ alias: 'old', version: '1' }]);
    // The alias name is free to point at another version again.
    await ok(setAlias('al-del', 'prod', '1'));
    expect((await ok(getAlias('al-del', 'prod'))).body.model_version.aliases).toEqual(['old', 'prod']);
  });
});
