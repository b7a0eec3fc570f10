import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { createModel, createRegistryHarness, createVersion, error, ok } from './registry-fixtures.js';

describeEachStore(
  'registry: registered-models/search and get-latest-versions',
  createRegistryHarness,
  (harness) => {
    const mlflow = () => harness().mlflow;
    const clock = () => harness().clock;
    const names = (body: { registered_models?: { name: string }[] }) =>
      (body.registered_models ?? []).map((m) => m.name);

    it('searches by name and tags, ordered by name by default, paged with MLflow offset tokens', async () => {
      for (const name of ['s-c', 's-a', 's-d', 's-b']) {
        clock().advance();
        await createModel(mlflow(), name, { tags: [{ key: 'team', value: name === 's-a' ? 'x' : 'y' }] });
      }
      await createModel(mlflow(), 'other');
      expect(
        names((await ok(mlflow().get('registered-models/search', { filter: "name LIKE 's-%'" }))).body),
      ).toEqual(['s-a', 's-b', 's-c', 's-d']);
      expect(
        names((await ok(mlflow().get('registered-models/search', { filter: "name ILIKE 'S-%'" }))).body),
      ).toHaveLength(4);
      expect(
        names((await ok(mlflow().get('registered-models/search', { filter: "tags.team = 'x'" }))).body),
      ).toEqual(['s-a']);
      // A != on a tag needs the tag to be there (MLflow's SQL semantics).
      expect(
        names((await ok(mlflow().get('registered-models/search', { filter: "tags.team != 'x'" }))).body),
      ).toEqual(['s-b', 's-c', 's-d']);

      const first = await ok(
        mlflow().get('registered-models/search', { filter: "name LIKE 's-%'", max_results: 3 }),
      );
      expect(names(first.body)).toEqual(['s-a', 's-b', 's-c']);
      expect(first.body.next_page_token).toBe('eyJvZmZzZXQiOiAzfQ==');
      const second = await ok(
        mlflow().get('registered-models/search', {
          filter: "name LIKE 's-%'",
          max_results: 3,
          page_token: first.body.next_page_token,
        }),
      );
      expect(second.body).toEqual({ registered_models: [expect.objectContaining({ name: 's-d' })] });

      const byTime = await ok(
        mlflow().get('registered-models/search', { filter: "name LIKE 's-%'", order_by: ['timestamp DESC'] }),
      );
      expect(names(byTime.body)).toEqual(['s-b', 's-d', 's-a', 's-c']);
      expect((await ok(mlflow().get('registered-models/search', { filter: "name = 'none'" }))).body).toEqual(
        {},
      );
    });

    it('refuses bad max_results, order_by, filters and page tokens with MLflow messages', async () => {
      const tooMany = await mlflow().get('registered-models/search', { max_results: 1001 });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body).toEqual(
        error(
          'INVALID_PARAMETER_VALUE',
          'Invalid value for request parameter max_results. It must be at most 1000, but got value 1001',
        ),
      );
      const badKey = await mlflow().get('registered-models/search', { order_by: ['bogus'] });
      expect(badKey.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(badKey.body.message).toMatch(/^Invalid order by key 'bogus' specified\. Valid keys are '\{/);
      // MLflow answers 500 for this; Assay 400 with the same message.
      const duplicate = await mlflow().get('registered-models/search', {
        order_by: ['timestamp', 'last_updated_timestamp'],
      });
      expect(duplicate.status).toBe(400);
      expect(duplicate.body).toEqual(
        error(
          'INVALID_PARAMETER_VALUE',
          "`order_by` contains duplicate fields: ['timestamp', 'last_updated_timestamp']",
        ),
      );
      const badFilter = await mlflow().get('registered-models/search', { filter: "name > 'a'" });
      expect(badFilter.body).toEqual(error('INVALID_PARAMETER_VALUE', 'Invalid comparator for attribute: >'));
      const badAttribute = await mlflow().get('registered-models/search', { filter: "run_id = 'a'" });
      expect(badAttribute.body.message).toBe(
        "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'",
      );
      const badToken = await mlflow().get('registered-models/search', { page_token: 'not a token' });
      expect(badToken.status).toBe(400);
      expect(badToken.body.message).toMatch(/^Invalid page token/);
    });

    it('answers get-latest-versions by POST (the client) and GET, per stage, without aliases', async () => {
      await createModel(mlflow(), 'lv');
      for (let i = 0; i < 4; i += 1) await createVersion(mlflow(), 'lv');
      await ok(
        mlflow().post('model-versions/transition-stage', { name: 'lv', version: '1', stage: 'production' }),
      );
      await ok(
        mlflow().post('model-versions/transition-stage', { name: 'lv', version: '3', stage: 'Staging' }),
      );
      await ok(mlflow().post('registered-models/alias', { name: 'lv', alias: 'champ', version: '1' }));
      const versionsOf = (body: { model_versions?: { version: string; current_stage: string }[] }) =>
        (body.model_versions ?? []).map((v) => `${v.version}:${v.current_stage}`);

      const all = await ok(mlflow().post('registered-models/get-latest-versions', { name: 'lv' }));
      expect(versionsOf(all.body)).toEqual(['1:Production', '4:None', '3:Staging']);
      expect(all.body.model_versions[0].aliases).toBeUndefined();
      expect(all.body.model_versions[1]).toMatchObject({
        description: '',
        run_id: '',
        run_link: '',
        status: 'READY',
      });

      const some = await ok(
        mlflow().post('registered-models/get-latest-versions', {
          name: 'lv',
          stages: ['staging', 'PRODUCTION'],
        }),
      );
      expect(versionsOf(some.body)).toEqual(['1:Production', '3:Staging']);
      const viaGet = await ok(
        mlflow().get('registered-models/get-latest-versions', { name: 'lv', stages: ['None'] }),
      );
      expect(versionsOf(viaGet.body)).toEqual(['4:None']);
      expect(
        (
          await ok(
            mlflow().post('registered-models/get-latest-versions', { name: 'lv', stages: ['Archived'] }),
          )
        ).body,
      ).toEqual({});

      const badStage = await mlflow().post('registered-models/get-latest-versions', {
        name: 'lv',
        stages: ['Prod'],
      });
      expect(badStage.body).toEqual(
        error(
          'INVALID_PARAMETER_VALUE',
          'Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived.',
        ),
      );
      expect((await mlflow().post('registered-models/get-latest-versions', { name: 'nope' })).body).toEqual(
        error('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found'),
      );
      expect((await mlflow().post('registered-models/get-latest-versions', {})).body.message).toBe(
        "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      );
    });
  },
);
