import { expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore(
  'experiments API',
  (store) => createAppHarness(store),
  (harness) => {
    const mlflow = () => harness().mlflow;

    it('has the Default experiment with id 0 from the start', async () => {
      const res = await mlflow().get('experiments/get', { experiment_id: '0' });
      expect(res.status).toBe(200);
      expect(res.body.experiment).toMatchObject({
        experiment_id: '0',
        name: 'Default',
        artifact_location: 'mlflow-artifacts:/0',
        lifecycle_stage: 'active',
      });
      expect(res.body.experiment.tags).toBeUndefined();
    });

    it('creates, reads by id and by name, with tags and a default artifact location', async () => {
      const created = await mlflow().post('experiments/create', {
        name: 'exp-a',
        tags: [{ key: 'team', value: 'mlops' }],
      });
      expect(created.status).toBe(200);
      const id = created.body.experiment_id as string;
      expect(id).toMatch(/^\d+$/);
      const byId = await mlflow().get('experiments/get', { experiment_id: id });
      expect(byId.body.experiment).toMatchObject({
        experiment_id: id,
        name: 'exp-a',
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: 'active',
        tags: [{ key: 'team', value: 'mlops' }],
      });
      expect(typeof byId.body.experiment.creation_time).toBe('number');
      const byName = await mlflow().get('experiments/get-by-name', { experiment_name: 'exp-a' });
      expect(byName.body.experiment).toEqual(byId.body.experiment);
    });

    it('keeps an explicit artifact location and refuses ".." hidden in its query', async () => {
      const created = await mlflow().post('experiments/create', {
        name: 'exp-loc',
        artifact_location: 's3://bucket/path',
      });
      const got = await mlflow().get('experiments/get', { experiment_id: created.body.experiment_id });
      expect(got.body.experiment.artifact_location).toBe('s3://bucket/path');
      const bad = await mlflow().post('experiments/create', {
        name: 'exp-bad',
        artifact_location: 's3://b/p?x=%2E%2E%2Fy',
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid query string' });
    });

    it('refuses duplicate names, missing names and unknown ids with MLflow errors', async () => {
      await mlflow().post('experiments/create', { name: 'dup' });
      const dup = await mlflow().post('experiments/create', { name: 'dup' });
      expect(dup.status).toBe(400);
      expect(dup.body).toEqual({
        error_code: 'RESOURCE_ALREADY_EXISTS',
        message: 'Experiment(name=dup) already exists.',
      });

      const missing = await mlflow().post('experiments/create', {});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      });
      const empty = await mlflow().post('experiments/create', { name: '' });
      expect(empty.body.message).toContain("Missing value for required parameter 'name'");

      const wrongType = await mlflow().post('experiments/create', { name: 'x', tags: 'nope' });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(wrongType.body.message).toContain("parameter 'tags");

      const unknown = await mlflow().get('experiments/get', { experiment_id: '99999' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'No Experiment with id=99999 exists',
      });
      const notNumeric = await mlflow().get('experiments/get', { experiment_id: 'abc' });
      expect(notNumeric.status).toBe(404);
      const byName = await mlflow().get('experiments/get-by-name', { experiment_name: 'nope' });
      expect(byName.body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: "Could not find experiment with name 'nope'",
      });
    });

    it('renames, refusing a taken name and deleted experiments', async () => {
      const { body } = await mlflow().post('experiments/create', { name: 'to-rename' });
      const id = body.experiment_id as string;
      expect(
        (await mlflow().post('experiments/update', { experiment_id: id, new_name: 'renamed' })).status,
      ).toBe(200);
      expect((await mlflow().get('experiments/get', { experiment_id: id })).body.experiment.name).toBe(
        'renamed',
      );
      await mlflow().post('experiments/create', { name: 'taken' });
      const taken = await mlflow().post('experiments/update', { experiment_id: id, new_name: 'taken' });
      expect(taken.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
      await mlflow().post('experiments/delete', { experiment_id: id });
      const deleted = await mlflow().post('experiments/update', { experiment_id: id, new_name: 'again' });
      expect(deleted.body).toEqual({
        error_code: 'INVALID_STATE',
        message: 'Cannot rename a non-active experiment.',
      });
    });

    it('deletes and restores an experiment together with its runs', async () => {
      const { body } = await mlflow().post('experiments/create', { name: 'lifecycle' });
      const id = body.experiment_id as string;
      const run = await mlflow().post('runs/create', { experiment_id: id, start_time: 1 });
      const runId = run.body.run.info.run_id as string;

      expect((await mlflow().post('experiments/delete', { experiment_id: id })).body).toEqual({});
      expect(
        (await mlflow().get('experiments/get', { experiment_id: id })).body.experiment.lifecycle_stage,
      ).toBe('deleted');
      expect((await mlflow().get('runs/get', { run_id: runId })).body.run.info.lifecycle_stage).toBe(
        'deleted',
      );
      const again = await mlflow().post('experiments/delete', { experiment_id: id });
      expect(again.status).toBe(404);
      const newRun = await mlflow().post('runs/create', { experiment_id: id });
      expect(newRun.body.message).toBe(
        `The experiment ${id} must be in the 'active' state. Current state is deleted.`,
      );

      expect((await mlflow().post('experiments/restore', { experiment_id: id })).status).toBe(200);
      expect((await mlflow().get('runs/get', { run_id: runId })).body.run.info.lifecycle_stage).toBe(
        'active',
      );
      expect((await mlflow().post('experiments/restore', { experiment_id: id })).status).toBe(404);
    });

    it('sets, overwrites and deletes experiment tags with MLflow validation', async () => {
      const { body } = await mlflow().post('experiments/create', { name: 'tagged' });
      const id = body.experiment_id as string;
      await mlflow().post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v1' });
      await mlflow().post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v2' });
      await mlflow().post('experiments/set-experiment-tag', { experiment_id: id, key: 'empty' });
      let experiment = (await mlflow().get('experiments/get', { experiment_id: id })).body.experiment;
      expect(experiment.tags).toEqual([
        { key: 'empty', value: '' },
        { key: 'k', value: 'v2' },
      ]);
      expect(
        (await mlflow().post('experiments/delete-experiment-tag', { experiment_id: id, key: 'k' })).status,
      ).toBe(200);
      experiment = (await mlflow().get('experiments/get', { experiment_id: id })).body.experiment;
      expect(experiment.tags).toEqual([{ key: 'empty', value: '' }]);
      const missing = await mlflow().post('experiments/delete-experiment-tag', {
        experiment_id: id,
        key: 'k',
      });
      expect(missing.status).toBe(404);

      const badKey = await mlflow().post('experiments/set-experiment-tag', {
        experiment_id: id,
        key: 'a//b',
        value: 'x',
      });
      expect(badKey.body.message).toBe(
        "Invalid tag name: 'a//b'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'",
      );
      const long = await mlflow().post('experiments/set-experiment-tag', {
        experiment_id: id,
        key: 'k',
        value: 'x'.repeat(5001),
      });
      expect(long.body.message).toBe(
        `Tag value '${'x'.repeat(250)}' had length 5001, which exceeded length limit of 5000`,
      );
    });

    it('searches by name, tags and times, orders and pages', async () => {
      for (const name of ['s-alpha', 's-beta', 's-gamma']) {
        const { body } = await mlflow().post('experiments/create', {
          name,
          tags: [{ key: 'group', value: name.slice(2) }],
        });
        expect(body.experiment_id).toBeTypeOf('string');
      }
      const like = await mlflow().post('experiments/search', {
        filter: "name LIKE 's-%'",
        max_results: 10,
        order_by: ['name ASC'],
      });
      expect(like.body.experiments.map((e: { name: string }) => e.name)).toEqual([
        's-alpha',
        's-beta',
        's-gamma',
      ]);
      const caseSensitive = await mlflow().post('experiments/search', {
        filter: "name LIKE 'S-%'",
        max_results: 10,
      });
      expect(caseSensitive.body).toEqual({});
      const ilike = await mlflow().post('experiments/search', {
        filter: "name ILIKE 'S-%'",
        max_results: 10,
      });
      expect(ilike.body.experiments).toHaveLength(3);
      const tag = await mlflow().post('experiments/search', {
        filter: "tags.group = 'beta'",
        max_results: 10,
      });
      expect(tag.body.experiments.map((e: { name: string }) => e.name)).toEqual(['s-beta']);
      const times = await mlflow().post('experiments/search', {
        filter: 'creation_time > 0',
        max_results: 1000,
      });
      expect(times.body.experiments.length).toBeGreaterThanOrEqual(4);

      const first = await mlflow().get('experiments/search', {
        filter: "name LIKE 's-%'",
        max_results: 2,
        order_by: 'name DESC',
      });
      expect(first.body.experiments.map((e: { name: string }) => e.name)).toEqual(['s-gamma', 's-beta']);
      expect(first.body.next_page_token).toBe(Buffer.from('{"offset": 2}').toString('base64'));
      const second = await mlflow().get('experiments/search', {
        filter: "name LIKE 's-%'",
        max_results: 2,
        order_by: 'name DESC',
        page_token: first.body.next_page_token,
      });
      expect(second.body.experiments.map((e: { name: string }) => e.name)).toEqual(['s-alpha']);
      expect(second.body.next_page_token).toBeUndefined();
    });

    it('filters by view type', async () => {
      const { body } = await mlflow().post('experiments/create', { name: 'view-deleted' });
      await mlflow().post('experiments/delete', { experiment_id: body.experiment_id });
      const names = async (view: string) =>
        (
          (await mlflow().post('experiments/search', { max_results: 1000, view_type: view })).body
            .experiments ?? []
        ).map((e: { name: string }) => e.name);
      expect(await names('ACTIVE_ONLY')).not.toContain('view-deleted');
      expect(await names('DELETED_ONLY')).toContain('view-deleted');
      expect(await names('ALL')).toEqual(expect.arrayContaining(['view-deleted', 'Default']));
    });

    it('refuses bad search parameters with MLflow messages', async () => {
      const none = await mlflow().get('experiments/search', { filter: "name LIKE 'x%'" });
      expect(none.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Invalid value for max_results. It must be a positive integer, but got 0',
      });
      const tooMany = await mlflow().post('experiments/search', { max_results: 50001 });
      expect(tooMany.body.message).toBe(
        'Invalid value for max_results. It must be at most 50000, but got 50001',
      );
      const badToken = await mlflow().post('experiments/search', { max_results: 5, page_token: 'garbage' });
      expect(badToken.body.message).toBe('Invalid page token, could not base64-decode');
      const badView = await mlflow().post('experiments/search', { max_results: 5, view_type: 'SOME' });
      expect(badView.status).toBe(400);
      expect(badView.body.message).toContain("parameter 'view_type'");
    });

    it('serves the same API under /ajax-api', async () => {
      const res = await harness().app.inject({
        method: 'GET',
        url: '/ajax-api/2.0/mlflow/experiments/get?experiment_id=0',
      });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body).experiment.name).toBe('Default');
    });
  },
);
