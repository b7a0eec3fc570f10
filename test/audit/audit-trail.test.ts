import { expect, it } from 'vitest';
import type { HttpResult } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';
import { createModel, createRegistryHarness, createVersion, error } from '../registry/registry-fixtures.js';

describeEachStore('audit: the registry trail', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const clock = () => harness().clock;

  /** A registry call as a given client would make it: Basic auth (MLFLOW_TRACKING_USERNAME), X-Assay-Actor, or neither. */
  const call = async (
    who: { basic?: string; actor?: string },
    method: 'POST' | 'DELETE',
    path: string,
    body: Record<string, unknown>,
  ): Promise<HttpResult> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (who.basic) headers.authorization = `Basic ${Buffer.from(`${who.basic}:secret`).toString('base64')}`;
    if (who.actor) headers['x-assay-actor'] = who.actor;
    const res = await harness().app.inject({
      method,
      url: `/api/2.0/mlflow/${path}`,
      headers,
      payload: JSON.stringify(body),
    });
    expect(res.statusCode, res.body).toBe(200);
    return {
      status: res.statusCode,
      contentType: String(res.headers['content-type']),
      body: res.json(),
      text: res.body,
    };
  };
  const audit = async (query: Record<string, string | number> = {}) => {
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return harness().app.inject({ method: 'GET', url: `/api/assay/v1/audit${qs ? `?${qs}` : ''}` });
  };
  const events = async (query: Record<string, string | number>) => {
    const res = await audit(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().events as Record<string, unknown>[];
  };

  it('records who moved which alias and stage, when, from what to what, oldest first', async () => {
    await createModel(mlflow(), 'fraud');
    for (let i = 0; i < 3; i += 1) await createVersion(mlflow(), 'fraud');
    const alice = { basic: 'alice' };
    const bob = { actor: 'bob' };

    const t1 = clock().advance();
    await call(alice, 'POST', 'registered-models/alias', { name: 'fraud', alias: 'champion', version: '1' });
    const t2 = clock().advance();
    await call(bob, 'POST', 'registered-models/alias', { name: 'fraud', alias: 'champion', version: '2' });
    const t3 = clock().advance();
    await call({}, 'POST', 'model-versions/transition-stage', {
      name: 'fraud',
      version: '1',
      stage: 'production',
      archive_existing_versions: false,
    });
    const t4 = clock().advance();
    // Basic auth wins over the declared header.
    await call({ basic: 'carol', actor: 'mallory' }, 'POST', 'model-versions/transition-stage', {
      name: 'fraud',
      version: '2',
      stage: 'Production',
      archive_existing_versions: true,
    });
    const t5 = clock().advance();
    await call(alice, 'POST', 'registered-models/alias', { name: 'fraud', alias: 'canary', version: '3' });
    const t6 = clock().advance();
    await call(bob, 'DELETE', 'registered-models/alias', { name: 'fraud', alias: 'canary' });
    // Deleting an alias that is not there moves nothing and records nothing.
    await call(bob, 'DELETE', 'registered-models/alias', { name: 'fraud', alias: 'canary' });
    const t7 = clock().advance();
    await call(alice, 'DELETE', 'model-versions/delete', { name: 'fraud', version: '2' });

    const trail = await events({ model: 'fraud' });
    expect(trail.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        timestamp: t1,
        actor: 'alice',
        action: 'alias.set',
        model: 'fraud',
        alias: 'champion',
        to_version: '1',
      },
      {
        timestamp: t2,
        actor: 'bob',
        action: 'alias.set',
        model: 'fraud',
        alias: 'champion',
        from_version: '1',
        to_version: '2',
      },
      {
        timestamp: t3,
        actor: 'anonymous',
        action: 'stage.transitioned',
        model: 'fraud',
        from_version: '1',
        to_version: '1',
        from_stage: 'None',
        to_stage: 'Production',
      },
      {
        timestamp: t4,
        actor: 'carol',
        action: 'stage.transitioned',
        model: 'fraud',
        from_version: '1',
        to_version: '1',
        from_stage: 'Production',
        to_stage: 'Archived',
      },
      {
        timestamp: t4,
        actor: 'carol',
        action: 'stage.transitioned',
        model: 'fraud',
        from_version: '2',
        to_version: '2',
        from_stage: 'None',
        to_stage: 'Production',
      },
      {
        timestamp: t5,
        actor: 'alice',
        action: 'alias.set',
        model: 'fraud',
        alias: 'canary',
        to_version: '3',
      },
      {
        timestamp: t6,
        actor: 'bob',
        action: 'alias.deleted',
        model: 'fraud',
        alias: 'canary',
        from_version: '3',
      },
      {
        timestamp: t7,
        actor: 'alice',
        action: 'alias.deleted',
        model: 'fraud',
        alias: 'champion',
        from_version: '2',
      },
    ]);
    const idsInOrder = trail.map((event) => Number(event.id));
    expect(idsInOrder).toEqual([...idsInOrder].sort((a, b) => a - b));
    expect(trail.every((event) => typeof event.id === 'string')).toBe(true);

    const champion = await events({ model: 'fraud', alias: 'champion' });
    expect(
      champion.map((event) => [event.action, event.from_version ?? null, event.to_version ?? null]),
    ).toEqual([
      ['alias.set', null, '1'],
      ['alias.set', '1', '2'],
      ['alias.deleted', '2', null],
    ]);
  });

  it('follows a renamed model, records the rename and the deletion', async () => {
    await createModel(mlflow(), 'churn');
    await createVersion(mlflow(), 'churn');
    await call({ actor: 'dan' }, 'POST', 'registered-models/alias', {
      name: 'churn',
      alias: 'prod',
      version: '1',
    });
    const renamedAt = clock().advance();
    await call({ actor: 'erin' }, 'POST', 'registered-models/rename', {
      name: 'churn',
      new_name: 'churn-v2',
    });

    expect(await events({ model: 'churn' })).toEqual([]);
    const trail = await events({ model: 'churn-v2' });
    expect(trail.map((event) => [event.action, event.model, event.actor])).toEqual([
      ['alias.set', 'churn-v2', 'dan'],
      ['model.renamed', 'churn-v2', 'erin'],
    ]);
    expect(trail[1]).toMatchObject({ timestamp: renamedAt, from_model: 'churn' });
    expect(trail[1]).not.toHaveProperty('alias');

    const deletedAt = clock().advance();
    await call({ actor: 'frank' }, 'DELETE', 'registered-models/delete', { name: 'churn-v2' });
    const after = await events({ model: 'churn-v2' });
    expect(after.slice(2).map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        timestamp: deletedAt,
        actor: 'frank',
        action: 'alias.deleted',
        model: 'churn-v2',
        alias: 'prod',
        from_version: '1',
      },
      { timestamp: deletedAt, actor: 'frank', action: 'model.deleted', model: 'churn-v2' },
    ]);
  });

  it('lists every model without a filter, pages, and refuses bad parameters like the rest of the API', async () => {
    await createModel(mlflow(), 'pager');
    await createVersion(mlflow(), 'pager');
    for (let i = 0; i < 5; i += 1) {
      await call({}, 'POST', 'registered-models/alias', { name: 'pager', alias: `a${i}`, version: '1' });
    }
    const all = await events({});
    expect(new Set(all.map((event) => event.model))).toEqual(new Set(['fraud', 'churn-v2', 'pager']));

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await audit({ model: 'pager', max_results: 2, ...(token ? { page_token: token } : {}) });
      const page = res.json();
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((event: { alias: string }) => event.alias));
      token = page.next_page_token;
    } while (token);
    expect(seen).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect((await audit({ model: 'nobody' })).json()).toEqual({ events: [] });

    const tooMany = await audit({ max_results: 1001 });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        'Invalid value for request parameter max_results. It must be at most 1000, but got value 1001',
      ),
    );
    expect((await audit({ max_results: 0 })).json()).toEqual(
      error(
        'INVALID_PARAMETER_VALUE',
        'Invalid value for max_results. It must be a positive integer, but got 0',
      ),
    );
    expect((await audit({ max_results: 'x' })).statusCode).toBe(400);
    expect((await audit({ page_token: 'garbage' })).json().error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
