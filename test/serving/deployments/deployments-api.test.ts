import { beforeAll, expect, it } from 'vitest';
import { HttpClient } from '../../../src/client/http-client.js';
import { ClientError } from '../../../src/client/client-error.js';
import type { DeploymentView } from '../../../src/views/deployment-views.js';
import { createListeningApp, type ListeningApp } from '../../artifacts/support/listening-app.js';
import { describeEachStore } from '../../helpers/stores.js';
import { registerDeploymentModels } from './support/deployment-models.js';

const FULL_BODY = {
  name: 'fraud',
  model: 'fraud@production',
  canary: { model: 'fraud@challenger', percent: 10, max_p99_ms: 250, min_requests: 20 },
  shadow: { model: 'other@1' },
  batching: { max_batch_size: 32, preferred_batch_sizes: [8, 16], queue_timeout_ms: 50 },
  log_sample_rate: 0.5,
};

describeEachStore(
  'the deployments API, over HTTP',
  async (store) => {
    const server = await createListeningApp(store);
    await registerDeploymentModels(server.context);
    return { server, close: () => server.close() };
  },
  (get) => {
    let server: ListeningApp;
    let base: string;
    let client: HttpClient;
    beforeAll(() => {
      server = get().server;
      base = `http://127.0.0.1:${server.port}/api/assay/v1`;
      client = new HttpClient(`http://127.0.0.1:${server.port}`);
    });

    /** Whatever an answer of /deployments may hold: a view, a list, or an error. */
    type Answer = DeploymentView & {
      deployments: DeploymentView[];
      error_code?: string;
      message?: string;
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return { status: response.status, body: (await response.json()) as Answer };
    };

    it('creates a deployment and answers its view, snake_case, as GET shows it', async () => {
      const created = await call('POST', '/deployments', FULL_BODY);
      expect(created.status).toBe(200);
      const view: DeploymentView = created.body;
      expect(view).toEqual({
        name: 'fraud',
        model: 'fraud@production',
        canary: {
          model: 'fraud@challenger',
          percent: 10,
          max_error_rate: 0.05,
          max_p99_ms: 250,
          min_requests: 20,
          window_seconds: 60,
        },
        shadow: { model: 'other@1' },
        batching: {
          max_batch_size: 32,
          max_queue_delay_ms: 0,
          preferred_batch_sizes: [8, 16],
          max_queue_size: 1024,
          queue_timeout_ms: 50,
          instances: 1,
          intra_op_threads: 1,
        },
        log_sample_rate: 0.5,
        generation: 1,
        creation_time: expect.any(Number),
        last_updated_time: view.creation_time,
        status: null,
      });
      expect((await call('GET', '/deployments/fraud')).body).toEqual(view);
      expect(await client.showDeployment('fraud')).toEqual(view);
    });

    it('a view posts back as the same deployment', async () => {
      const {
        name: _name,
        generation: _g,
        creation_time: _c,
        last_updated_time: _u,
        status: _s,
        ...rest
      } = await client.showDeployment('fraud');
      const copy = await call('POST', '/deployments', { ...rest, name: 'fraud-copy' });
      expect(copy.status).toBe(200);
      expect(copy.body).toMatchObject({ ...rest, name: 'fraud-copy', generation: 1 });
      expect((await call('DELETE', '/deployments/fraud-copy')).body).toEqual({});
    });

    it('lists deployments by name; the client creates with the same JSON', async () => {
      const minimal = await client.createDeployment({ name: 'alpha', model: 'fraud@2' });
      expect(minimal).toMatchObject({
        name: 'alpha',
        model: 'fraud@2',
        canary: null,
        shadow: null,
        log_sample_rate: 1,
      });
      const listed = await call('GET', '/deployments');
      expect(listed.status).toBe(200);
      expect(listed.body.deployments.map((d: DeploymentView) => d.name)).toEqual(['alpha', 'fraud']);
      expect(await client.listDeployments()).toEqual(listed.body.deployments);
    });

    it('PATCH changes what it names, removes a canary or shadow with null, bumps the generation', async () => {
      const patched = await call('PATCH', '/deployments/fraud', {
        canary: { percent: 25, max_error_rate: null },
        batching: { max_batch_size: 64 },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        generation: 2,
        canary: { model: 'fraud@challenger', percent: 25, max_error_rate: null, max_p99_ms: 250 },
        batching: { max_batch_size: 64, preferred_batch_sizes: [8, 16], queue_timeout_ms: 50 },
      });
      const removed = await call('PATCH', '/deployments/fraud', { canary: null, shadow: null });
      expect(removed.body).toMatchObject({ generation: 3, canary: null, shadow: null });
      const timeout = await call('PATCH', '/deployments/fraud', { batching: { queue_timeout_ms: null } });
      expect(timeout.body.batching.queue_timeout_ms).toBeNull();
      // 0 stays 0 and null stays null (no type coercion between them).
      const zero = await call('PATCH', '/deployments/fraud', {
        canary: { model: 'fraud@challenger', percent: 5, max_error_rate: 0, max_p99_ms: null },
      });
      expect(zero.body.canary).toMatchObject({ max_error_rate: 0, max_p99_ms: null });
      const viaClient = await client.updateDeployment('fraud', {
        canary: { model: 'fraud@challenger', percent: 5, maxErrorRate: 0.05, maxP99Ms: null },
        shadow: { model: 'fraud@1' },
      });
      expect(viaClient).toMatchObject({
        generation: 6,
        canary: { model: 'fraud@challenger', percent: 5, max_p99_ms: null, max_error_rate: 0.05 },
        shadow: { model: 'fraud@1' },
      });
    });

    it('shows the status a serving process reported; PATCH clears a canary halt', async () => {
      const { generation } = await client.showDeployment('fraud');
      await server.context.deployments.saveStatus(
        'fraud',
        {
          state: 'ready',
          servedVersion: 1,
          canaryVersion: 2,
          shadowVersion: 1,
          error: null,
          canaryHalt: { reason: 'p99 310 ms above 250 ms', at: 1_700_000_000_500 },
          shadowDiff: { rows_compared: 40, label_flips: 1, flip_rate: 0.025 },
          updatedAt: 1_700_000_000_600,
        },
        generation,
      );
      const shown = await call('GET', '/deployments/fraud');
      expect(shown.body.status).toEqual({
        state: 'ready',
        served_version: 1,
        canary_version: 2,
        shadow_version: 1,
        error: null,
        canary_halt: { reason: 'p99 310 ms above 250 ms', time: 1_700_000_000_500 },
        shadow_diff: { rows_compared: 40, label_flips: 1, flip_rate: 0.025 },
        updated_at: 1_700_000_000_600,
        generation,
      });
      const resumed = await call('PATCH', '/deployments/fraud', {});
      expect(resumed.status).toBe(200);
      expect(resumed.body.generation).toBe(generation + 1);
      expect(resumed.body.status).toMatchObject({ canary_halt: null, served_version: 1 });
    });

    it('refuses a taken name with RESOURCE_ALREADY_EXISTS', async () => {
      const duplicate = await call('POST', '/deployments', { name: 'fraud', model: 'fraud@2' });
      expect(duplicate).toEqual({
        status: 400,
        body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Deployment (name=fraud) already exists.' },
      });
    });

    it('refuses bad bodies with INVALID_PARAMETER_VALUE, naming the field', async () => {
      const cases: [unknown, RegExp][] = [
        [{ name: 'x' }, /^Missing value for required parameter 'model'/],
        [{ model: 'fraud@1' }, /^Missing value for required parameter 'name'/],
        [{ name: '', model: 'fraud@1' }, /^name cannot be empty/],
        [{ name: 'x', model: '' }, /^model must be NAME@VERSION or NAME@ALIAS/],
        [{ name: 'x', model: 'fraud@1', canary: { model: 'fraud@2' } }, /^canary\.percent is required/],
        [{ name: 'x', model: 'fraud@1', shadow: {} }, /^Missing value for required parameter 'shadow.model'/],
        [
          { name: 'x', model: 'fraud@1', canary: { model: 'fraud@2', percent: 5, max_p99_ms: 'fast' } },
          /^Invalid value fast for parameter 'canary.max_p99_ms'/,
        ],
        [
          { name: 'x', model: 'fraud@1', canary: { model: 'fraud@2', percent: 'ten' } },
          /^Invalid value ten for parameter 'canary.percent'/,
        ],
        [
          { name: 'x', model: 'fraud@1', canary: { model: 'fraud@2', pct: 10, percent: 10 } },
          /^Unknown parameter 'canary.pct'/,
        ],
        [{ name: 'x', model: 'fraud@1', log_sample: 0.5 }, /^Unknown parameter 'log_sample'/],
        [
          { name: 'x', model: 'fraud@1', batching: { max_batch: 8 } },
          /^Unknown parameter 'batching.max_batch'/,
        ],
        [
          { name: 'x', model: 'fraud@1', batching: { max_batch_size: 1.5 } },
          /^Invalid value 1\.5 for parameter 'batching.max_batch_size'/,
        ],
        [
          { name: 'x', model: 'fraud@1', canary: { model: 'fraud@2', percent: 150 } },
          /^canary\.percent must be a number above 0 and at most 100, got 150/,
        ],
        [
          { name: 'x', model: 'fraud@1', shadow: { model: 'fraud@1' } },
          /^shadow\.model 'fraud@1' is the deployment's own model/,
        ],
        [{ name: 'x', model: 'fraud@nope' }, /^model 'fraud@nope': Model 'fraud' has no alias 'nope'/],
        [
          { name: 'x', model: 'fraud@1', batching: { instances: 0 } },
          /^batching: instances must be a positive integer/,
        ],
        [
          { name: 'x', model: 'fraud@1', log_sample_rate: -1 },
          /^log_sample_rate must be a share from 0 to 1/,
        ],
      ];
      for (const [body, message] of cases) {
        const answer = await call('POST', '/deployments', body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(answer.body.message, JSON.stringify(body)).toMatch(message);
      }
      const patch = await call('PATCH', '/deployments/fraud', { canary: { percnt: 5 } });
      expect(patch.body.message).toMatch(/^Unknown parameter 'canary.percnt'/);
      expect((await call('GET', '/deployments')).body.deployments.map((d: DeploymentView) => d.name)).toEqual(
        ['alpha', 'fraud'],
      );
    });

    it('deletes; an unknown deployment is RESOURCE_DOES_NOT_EXIST (404)', async () => {
      expect(await call('DELETE', '/deployments/alpha')).toEqual({ status: 200, body: {} });
      const notFound = {
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Deployment with name=alpha not found' },
      };
      expect(await call('DELETE', '/deployments/alpha')).toEqual(notFound);
      expect(await call('GET', '/deployments/alpha')).toEqual(notFound);
      expect(await call('PATCH', '/deployments/alpha', { log_sample_rate: 0.1 })).toEqual(notFound);
      await expect(client.deleteDeployment('alpha')).rejects.toThrow(
        new ClientError('Deployment with name=alpha not found'),
      );
    });
  },
);
