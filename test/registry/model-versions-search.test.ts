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

describeEachStore('registry: model-versions/search', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const clock = () => harness().clock;
  const ids = (body: { model_versions?: { name: string; version: string }[] }) =>
    (body.model_versions ?? []).map((v) => `${v.name}/${v.version}`);
  // The Python client always asks for 10000.
  const search = (query: Record<string, string | number | string[]>) =>
    ok(mlflow().get('model-versions/search', { max_results: 10000, ...query }));

  it('orders by last update (newest first), then name and version; shows tags but no aliases', async () => {
    await createModel(mlflow(), 'sv-b');
    await createModel(mlflow(), 'sv-a');
    const { runId } = await createRun(mlflow());
    clock().advance();
    await createVersion(mlflow(), 'sv-b', { run_id: runId, tags: [{ key: 'k', value: 'v' }] }); // b/1, t1
    await createVersion(mlflow(), 'sv-a'); // a/1, t1
    await createVersion(mlflow(), 'sv-a'); // a/2, t1
    clock().advance();
    await createVersion(mlflow(), 'sv-b'); // b/2, t2
    await ok(mlflow().post('registered-models/alias', { name: 'sv-a', alias: 'x', version: '1' }));

    const all = await search({ filter: "name LIKE 'sv-%'" });
    expect(ids(all.body)).toEqual(['sv-b/2', 'sv-a/2', 'sv-a/1', 'sv-b/1']);
    expect(all.body.model_versions.every((v: { aliases?: unknown }) => v.aliases === undefined)).toBe(true);
    expect(all.body.model_versions[3].tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(all.body.next_page_token).toBeUndefined();

    expect(ids((await search({ filter: `run_id = '${runId}'` })).body)).toEqual(['sv-b/1']);
    expect(ids((await search({ filter: `run_id IN ('${runId}', 'other')` })).body)).toEqual(['sv-b/1']);
    expect(ids((await search({ filter: "tags.k = 'v'" })).body)).toEqual(['sv-b/1']);
    expect(ids((await search({ filter: "name = 'sv-a' and version_number > 1" })).body)).toEqual(['sv-a/2']);
    expect(ids((await search({ filter: "name = 'sv-a' and version_number = '1'" })).body)).toEqual([
      'sv-a/1',
    ]);
    expect(ids((await search({ filter: "name = 'sv-a' and version_number >= 1.5" })).body)).toEqual([
      'sv-a/2',
    ]);
    expect(
      ids((await search({ filter: "source_path = 'mlflow-artifacts:/0/abc/artifacts/sv-a'" })).body),
    ).toEqual(['sv-a/2', 'sv-a/1']);
    expect(
      ids((await search({ filter: "name LIKE 'sv-%'", order_by: ['version_number ASC', 'name DESC'] })).body),
    ).toEqual(['sv-b/1', 'sv-a/1', 'sv-b/2', 'sv-a/2']);
    expect(ids((await search({ filter: "name LIKE 'sv-%'", order_by: ['name'] })).body)).toEqual([
      'sv-a/2',
      'sv-a/1',
      'sv-b/2',
      'sv-b/1',
    ]);
    expect((await search({ filter: "run_id = 'abc'" })).body).toEqual({});
  });

  it('pages with offset tokens; the REST default needs no max_results', async () => {
    await createModel(mlflow(), 'pg');
    for (let i = 0; i < 5; i += 1) await createVersion(mlflow(), 'pg');
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await search({
        filter: "name = 'pg'",
        max_results: 2,
        ...(token ? { page_token: token } : {}),
      });
      seen.push(...ids(page.body));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual(['pg/5', 'pg/4', 'pg/3', 'pg/2', 'pg/1']);
    const unbounded = await ok(mlflow().get('model-versions/search', { filter: "name = 'pg'" }));
    expect(ids(unbounded.body)).toHaveLength(5);
  });

  it('refuses bad max_results, filters and order_by with MLflow messages', async () => {
    for (const value of [0, -1]) {
      expect((await mlflow().get('model-versions/search', { max_results: value })).body).toEqual(
        error(
          'INVALID_PARAMETER_VALUE',
          `Invalid value for max_results. It must be a positive integer, but got ${value}`,
        ),
      );
    }
    expect((await mlflow().get('model-versions/search', { max_results: 200001 })).body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        'Invalid value for request parameter max_results. It must be at most 200000, but got value 200001',
      ),
    );
    expect((await mlflow().get('model-versions/search', { filter: "name IN ('a','b')" })).body).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
      ),
    );
    expect((await mlflow().get('model-versions/search', { filter: "version_number LIKE '1'" })).body).toEqual(
      error('INVALID_PARAMETER_VALUE', 'Invalid comparator for attribute version_number: LIKE'),
    );
    const duplicate = await mlflow().get('model-versions/search', { order_by: ['name', 'name DESC'] });
    expect(duplicate.body).toEqual(
      error('INVALID_PARAMETER_VALUE', "`order_by` contains duplicate fields: ['name', 'name DESC']"),
    );
    const badKey = await mlflow().get('model-versions/search', { order_by: ['run_id'] });
    expect(badKey.body.message).toMatch(/^Invalid attribute key 'run_id' specified\. Valid keys are/);
  });
});
