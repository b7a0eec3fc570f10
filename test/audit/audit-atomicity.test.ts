import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { createModel, createRegistryHarness, createVersion, ok } from '../registry/registry-fixtures.js';

/**
 * A change and its audit record commit together or not at all. To see the "no change without its
 * record" half, the database is made to refuse audit rows written for the actor "saboteur".
 */
describeEachStore('audit: atomic with the change it records', createRegistryHarness, (harness) => {
  const mlflow = () => harness().mlflow;
  const auditCount = async () => {
    const row = await harness()
      .context.database.db.selectFrom('audit_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const asSaboteur = (method: 'POST' | 'DELETE', path: string, body: Record<string, unknown>) =>
    harness().app.inject({
      method,
      url: `/api/2.0/mlflow/${path}`,
      headers: { 'content-type': 'application/json', 'x-assay-actor': 'saboteur' },
      payload: JSON.stringify(body),
    });

  it('writes no event for a change that fails', async () => {
    await createModel(mlflow(), 'atom');
    await createModel(mlflow(), 'atom-taken');
    await createVersion(mlflow(), 'atom');
    const before = await auditCount();
    expect(
      (await mlflow().post('registered-models/alias', { name: 'atom', alias: 'x', version: '7' })).status,
    ).toBe(404);
    expect(
      (await mlflow().post('registered-models/alias', { name: 'atom', alias: 'latest', version: '1' }))
        .status,
    ).toBe(400);
    expect(
      (
        await mlflow().post('model-versions/transition-stage', {
          name: 'atom',
          version: '7',
          stage: 'Staging',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await mlflow().post('model-versions/transition-stage', {
          name: 'atom',
          version: '1',
          stage: 'None',
          archive_existing_versions: true,
        })
      ).status,
    ).toBe(400);
    expect((await mlflow().delete('model-versions/delete', { name: 'atom', version: '7' })).status).toBe(404);
    expect(
      (await mlflow().post('registered-models/rename', { name: 'atom', new_name: 'atom-taken' })).status,
    ).toBe(400);
    expect((await mlflow().delete('registered-models/delete', { name: 'atom-missing' })).status).toBe(404);
    expect(await auditCount()).toBe(before);
  });

  it('makes no change whose record cannot be written', async () => {
    const { db, dialect } = harness().context.database;
    if (dialect === 'sqlite') {
      await sql`create trigger refuse_saboteur before insert on audit_events when new.actor = 'saboteur'
                begin select raise(abort, 'audit refused'); end`.execute(db);
    } else {
      await sql`create function refuse_saboteur() returns trigger language plpgsql as $$
                begin if new.actor = 'saboteur' then raise exception 'audit refused'; end if; return new; end $$`.execute(
        db,
      );
      await sql`create trigger refuse_saboteur before insert on audit_events for each row execute function refuse_saboteur()`.execute(
        db,
      );
    }
    await createModel(mlflow(), 'guarded');
    await createVersion(mlflow(), 'guarded');
    await createVersion(mlflow(), 'guarded');
    await ok(mlflow().post('registered-models/alias', { name: 'guarded', alias: 'prod', version: '1' }));
    await ok(
      mlflow().post('model-versions/transition-stage', {
        name: 'guarded',
        version: '1',
        stage: 'Production',
      }),
    );
    const before = await auditCount();
    const modelBefore = (await ok(mlflow().get('registered-models/get', { name: 'guarded' }))).body
      .registered_model;

    const attempts = [
      await asSaboteur('POST', 'registered-models/alias', { name: 'guarded', alias: 'prod', version: '2' }),
      await asSaboteur('DELETE', 'registered-models/alias', { name: 'guarded', alias: 'prod' }),
      await asSaboteur('POST', 'model-versions/transition-stage', {
        name: 'guarded',
        version: '2',
        stage: 'Production',
        archive_existing_versions: true,
      }),
      await asSaboteur('DELETE', 'model-versions/delete', { name: 'guarded', version: '1' }),
      await asSaboteur('POST', 'registered-models/rename', { name: 'guarded', new_name: 'renamed' }),
      await asSaboteur('DELETE', 'registered-models/delete', { name: 'guarded' }),
    ];
    for (const attempt of attempts) {
      expect(attempt.statusCode).toBe(500);
      // The database's words stay on the server.
      expect(attempt.json()).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Internal server error' });
    }
    expect(await auditCount()).toBe(before);
    expect(
      (await ok(mlflow().get('registered-models/get', { name: 'guarded' }))).body.registered_model,
    ).toEqual(modelBefore);
    const prod = await ok(mlflow().get('registered-models/alias', { name: 'guarded', alias: 'prod' }));
    expect(prod.body.model_version).toMatchObject({ version: '1', current_stage: 'Production' });
    const v2 = await ok(mlflow().get('model-versions/get', { name: 'guarded', version: '2' }));
    expect(v2.body.model_version.current_stage).toBe('None');
    expect((await mlflow().get('registered-models/get', { name: 'renamed' })).status).toBe(404);
  });
});
