import { expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';
import { createModel, createRegistryHarness, createVersion, ok } from './registry-fixtures.js';

describeEachStore('registry: concurrent changes', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const create = (name: string, via = mlflow()) =>
    via.post('model-versions/create', { name, source: `s3://bucket/${name}` });

  it('gives 20 concurrent creates the versions 1..20, without gaps or errors', async () => {
    await createModel(mlflow(), 'cc');
    const results = await Promise.all(Array.from({ length: 20 }, () => create('cc')));
    expect(results.map((res) => res.status)).toEqual(Array(20).fill(200));
    const versions = results.map((res) => Number(res.body.model_version.version)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const listed = await ok(
      mlflow().get('model-versions/search', { filter: "name = 'cc'", max_results: 10000 }),
    );
    expect(listed.body.model_versions).toHaveLength(20);
  });

  it('numbers versions correctly when two servers create on the same store at once', async () => {
    await createModel(mlflow(), 'cc-two');
    const second = await createAppHarness(harness().store);
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => create('cc-two', i % 2 === 0 ? mlflow() : second.mlflow)),
      );
      expect(results.map((res) => res.status)).toEqual(Array(20).fill(200));
      const versions = results.map((res) => Number(res.body.model_version.version)).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await second.close();
    }
  });

  it('never leaves an alias on a deleted version when setting and deleting race', async () => {
    await createModel(mlflow(), 'cc-race');
    for (let i = 1; i <= 10; i += 1) await createVersion(mlflow(), 'cc-race');
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => [
        mlflow().post('registered-models/alias', { name: 'cc-race', alias: `a${i}`, version: String(i + 1) }),
        mlflow().delete('model-versions/delete', { name: 'cc-race', version: String(i + 1) }),
      ]).flat(),
    );
    // Each alias set either came first (then the delete took the alias along) or found no version.
    for (const res of outcomes) expect([200, 404]).toContain(res.status);
    const model = (await ok(mlflow().get('registered-models/get', { name: 'cc-race' }))).body
      .registered_model;
    expect(model.aliases).toBeUndefined();
    expect(model.latest_versions).toBeUndefined();
  });
});
