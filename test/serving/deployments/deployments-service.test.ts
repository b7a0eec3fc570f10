import { beforeAll, expect, it } from 'vitest';
import { openAssay, type AssayContext } from '../../../src/context.js';
import { AlreadyExistsError, InvalidParameterError, NotFoundError } from '../../../src/errors/assay-error.js';
import { DEFAULT_BATCHING } from '../../../src/serving/batching/batching-options.js';
import type { DeploymentChange } from '../../../src/serving/deployments/deployment-record.js';
import {
  DEFAULT_HALT_RULES,
  type DeploymentStatus,
} from '../../../src/serving/deployments/deployment-spec.js';
import type { CreateDeploymentInput } from '../../../src/serving/deployments/deployments-service.js';
import { describeEachStore } from '../../helpers/stores.js';
import { registerDeploymentModels } from './support/deployment-models.js';

const T0 = 1_700_000_000_000;

const STATUS: DeploymentStatus = {
  state: 'ready',
  servedVersion: 1,
  canaryVersion: 2,
  shadowVersion: 1,
  error: null,
  canaryHalt: { reason: 'error rate 0.2 above 0.05 over 60 requests', at: T0 + 500 },
  shadowDiff: { rows_compared: 120, label_flips: 3, flip_rate: 0.025, score_delta: { mean_abs: 0.01 } },
  updatedAt: T0 + 600,
};

/** Each case: a definition and the start of the error it must get (naming the field). */
const INVALID: readonly [string, Partial<CreateDeploymentInput>, RegExp][] = [
  ['an empty name', { name: '' }, /^name cannot be empty/],
  ['a name with /', { name: 'a/b' }, /^name 'a\/b' is not a valid deployment name: it cannot contain '\/'/],
  ['a name with a control character', { name: 'a\nb' }, /^name "a\\nb" cannot contain control characters/],
  ['a name too long', { name: 'x'.repeat(257) }, /^name is 257 characters long; .* at most 256/],
  ['a model without a selector', { model: 'fraud' }, /^model 'fraud' must name a version or an alias/],
  [
    'a model that is not a string',
    { model: 7 as unknown as string },
    /^model must be NAME@VERSION or NAME@ALIAS/,
  ],
  ['version 0', { model: 'fraud@0' }, /^model 'fraud@0': Model version must be a positive integer/],
  ['an unknown model', { model: 'nope@1' }, /^model 'nope@1': Registered Model with name=nope not found/],
  [
    'an unknown version',
    { model: 'fraud@9' },
    /^model 'fraud@9': Model Version \(name=fraud, version=9\) not found/,
  ],
  [
    'an unknown alias',
    { model: 'fraud@staging' },
    /^model 'fraud@staging': Model 'fraud' has no alias 'staging'/,
  ],
  [
    'a version Assay cannot run',
    { model: 'broken@1' },
    /^model 'broken@1': Model version broken\/1 failed registration/,
  ],
  ['a canary without percent', { canary: { model: 'fraud@challenger' } }, /^canary\.percent is required/],
  ['a canary without model', { canary: { percent: 10 } }, /^canary\.model is required/],
  [
    'a canary percent of 0',
    { canary: { model: 'fraud@2', percent: 0 } },
    /^canary\.percent must be a number above 0 and at most 100, got 0/,
  ],
  [
    'a canary percent above 100',
    { canary: { model: 'fraud@2', percent: 100.5 } },
    /^canary\.percent must be .* got 100\.5/,
  ],
  [
    'a canary percent NaN',
    { canary: { model: 'fraud@2', percent: NaN } },
    /^canary\.percent must be .* got NaN/,
  ],
  [
    'an unknown canary alias',
    { canary: { model: 'fraud@nope', percent: 5 } },
    /^canary\.model 'fraud@nope': Model 'fraud' has no alias 'nope'/,
  ],
  [
    'a canary that is the model',
    { canary: { model: 'fraud@production', percent: 5 } },
    /^canary\.model 'fraud@production' is the deployment's own model/,
  ],
  [
    'a max error rate above 1',
    { canary: { model: 'fraud@2', percent: 5, maxErrorRate: 1.5 } },
    /^canary\.max_error_rate must be a share from 0 to 1/,
  ],
  [
    'a max p99 of 0',
    { canary: { model: 'fraud@2', percent: 5, maxP99Ms: 0 } },
    /^canary\.max_p99_ms must be a number of milliseconds above 0/,
  ],
  [
    'min requests 0',
    { canary: { model: 'fraud@2', percent: 5, minRequests: 0 } },
    /^canary\.min_requests must be a positive integer, got 0/,
  ],
  [
    'fractional min requests',
    { canary: { model: 'fraud@2', percent: 5, minRequests: 2.5 } },
    /^canary\.min_requests must be a positive integer, got 2\.5/,
  ],
  [
    'a window of 0.5 s',
    { canary: { model: 'fraud@2', percent: 5, windowSeconds: 0.5 } },
    /^canary\.window_seconds must be from 1 to 3600 seconds, got 0\.5/,
  ],
  [
    'a window over an hour',
    { canary: { model: 'fraud@2', percent: 5, windowSeconds: 3601 } },
    /^canary\.window_seconds must be from 1 to 3600/,
  ],
  [
    'a shadow that is the model',
    { shadow: { model: 'fraud@production' } },
    /^shadow\.model 'fraud@production' is the deployment's own model/,
  ],
  [
    'an unknown shadow model',
    { shadow: { model: 'ghost@1' } },
    /^shadow\.model 'ghost@1': Registered Model with name=ghost not found/,
  ],
  [
    'a shadow without a selector',
    { shadow: { model: 'fraud' } },
    /^shadow\.model 'fraud' must name a version or an alias/,
  ],
  [
    'a batch size of 0',
    { batching: { maxBatchSize: 0 } },
    /^batching: max_batch_size must be a positive integer, got 0/,
  ],
  [
    'a preferred size above the batch',
    { batching: { maxBatchSize: 8, preferredBatchSizes: [16] } },
    /^batching: preferred_batch_sizes: 16 is larger than max_batch_size 8/,
  ],
  ['a negative queue delay', { batching: { maxQueueDelayMs: -1 } }, /^batching: max_queue_delay must be/],
  ['a queue timeout of 0', { batching: { queueTimeoutMs: 0 } }, /^batching: queue_timeout must be/],
  ['0 instances', { batching: { instances: 0 } }, /^batching: instances must be a positive integer/],
  [
    'a sample rate above 1',
    { logSampleRate: 1.5 },
    /^log_sample_rate must be a share from 0 to 1 .* got 1\.5/,
  ],
  ['a negative sample rate', { logSampleRate: -0.1 }, /^log_sample_rate must be .* got -0\.1/],
];

describeEachStore(
  'deployments: definitions and status',
  async (store) => {
    let clock = T0;
    const assay = await openAssay({
      store: store.storeUri,
      artifacts: store.artifactsDir,
      now: () => clock,
    });
    await registerDeploymentModels(assay);
    return { assay, tick: (ms: number) => (clock += ms), close: () => assay.close() };
  },
  (get) => {
    let assay: AssayContext;
    let tick: (ms: number) => number;
    beforeAll(() => {
      ({ assay, tick } = get());
    });

    it('creates a deployment with the defaults, at generation 1 and with no status', async () => {
      const created = await assay.deployments.create({ name: 'plain', model: 'fraud@production' });
      expect(created).toEqual({
        spec: {
          name: 'plain',
          model: { name: 'fraud', version: null, alias: 'production' },
          canary: null,
          shadow: null,
          batching: DEFAULT_BATCHING,
          logSampleRate: 1,
        },
        generation: 1,
        createdAt: T0,
        updatedAt: T0,
        status: null,
        statusGeneration: null,
      });
      expect(await assay.deployments.get('plain')).toEqual(created);
      await assay.deployments.delete('plain');
    });

    it('stores a full definition and reads it back as given', async () => {
      const created = await assay.deployments.create({
        name: 'full',
        model: 'fraud@production',
        canary: {
          model: 'fraud@challenger',
          percent: 12.5,
          maxP99Ms: 250,
          maxErrorRate: null,
          windowSeconds: 30,
        },
        // Another registered model, and the main model's version by number: both allowed.
        shadow: { model: 'fraud@1' },
        batching: { maxBatchSize: 32, preferredBatchSizes: [16, 8, 16], queueTimeoutMs: 100, instances: 2 },
        logSampleRate: 0.25,
      });
      expect(created.spec).toEqual({
        name: 'full',
        model: { name: 'fraud', version: null, alias: 'production' },
        canary: {
          model: { name: 'fraud', version: null, alias: 'challenger' },
          percent: 12.5,
          halt: {
            maxErrorRate: null,
            maxP99Ms: 250,
            minRequests: DEFAULT_HALT_RULES.minRequests,
            windowMs: 30_000,
          },
        },
        shadow: { model: { name: 'fraud', version: 1, alias: null } },
        batching: {
          ...DEFAULT_BATCHING,
          maxBatchSize: 32,
          preferredBatchSizes: [8, 16],
          queueTimeoutMs: 100,
          instances: 2,
        },
        logSampleRate: 0.25,
      });
      expect((await assay.deployments.get('full')).spec).toEqual(created.spec);
      const other = await assay.deployments.create({
        name: 'cross',
        model: 'fraud@2',
        canary: { model: 'other@1', percent: 100 },
        shadow: { model: 'other@1' },
        logSampleRate: 0,
      });
      expect(other.spec.canary?.halt).toEqual(DEFAULT_HALT_RULES);
      expect((await assay.deployments.list()).map((record) => record.spec.name)).toEqual(['cross', 'full']);
      expect(await assay.deployments.listForServing()).toEqual([
        { spec: other.spec, generation: 1, createdAt: T0, canaryHalt: null },
        { spec: created.spec, generation: 1, createdAt: T0, canaryHalt: null },
      ]);
      await assay.deployments.delete('cross');
    });

    for (const [what, change, message] of INVALID) {
      it(`refuses ${what}, naming the field, and writes nothing`, async () => {
        const input = { name: 'invalid', model: 'fraud@production', ...change } as CreateDeploymentInput;
        const error = await assay.deployments.create(input).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(InvalidParameterError);
        expect((error as Error).message).toMatch(message);
        expect(await assay.deployments.list()).toHaveLength(1);
      });
    }

    it('refuses a name that is taken, as RESOURCE_ALREADY_EXISTS', async () => {
      const error = await assay.deployments
        .create({ name: 'full', model: 'fraud@2' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AlreadyExistsError);
      expect(error).toMatchObject({
        code: 'RESOURCE_ALREADY_EXISTS',
        message: 'Deployment (name=full) already exists.',
      });
      expect((await assay.deployments.get('full')).spec.model.alias).toBe('production');
    });

    it('updates what the patch names, keeps the rest, and bumps the generation', async () => {
      const before = await assay.deployments.get('full');
      tick(1000);
      const updated = await assay.deployments.update('full', {
        canary: { percent: 20, minRequests: 10 },
        batching: { maxBatchSize: 16, preferredBatchSizes: [] },
      });
      expect(updated.generation).toBe(2);
      expect(updated.createdAt).toBe(before.createdAt);
      expect(updated.updatedAt).toBe(before.updatedAt + 1000);
      expect(updated.spec).toEqual({
        ...before.spec,
        canary: {
          model: before.spec.canary?.model,
          percent: 20,
          halt: { ...before.spec.canary?.halt, minRequests: 10 },
        },
        batching: { ...before.spec.batching, maxBatchSize: 16, preferredBatchSizes: [] },
      });
      const moved = await assay.deployments.update('full', {
        model: 'fraud@2',
        canary: { model: 'fraud@production' },
        logSampleRate: 1,
      });
      expect(moved.generation).toBe(3);
      expect(moved.spec.model).toEqual({ name: 'fraud', version: 2, alias: null });
      expect(moved.spec.canary).toMatchObject({ model: { alias: 'production' }, percent: 20 });
      expect(moved.spec.logSampleRate).toBe(1);
      const removed = await assay.deployments.update('full', { canary: null, shadow: null });
      expect(removed).toMatchObject({ generation: 4, spec: { canary: null, shadow: null } });
      const back = await assay.deployments.update('full', {
        model: 'fraud@production',
        canary: { model: 'fraud@challenger', percent: 12.5 },
        shadow: { model: 'fraud@1' },
        batching: { maxBatchSize: 32 },
      });
      expect(back.generation).toBe(5);
      expect(back.spec.canary?.halt).toEqual(DEFAULT_HALT_RULES);
    });

    it('refuses a bad patch whole, naming the field: the generation stays', async () => {
      const cases: [Parameters<AssayContext['deployments']['update']>[1], RegExp][] = [
        [{ model: 'fraud@challenger' }, /^canary\.model 'fraud@challenger' is the deployment's own model/],
        [
          { shadow: { model: 'fraud@production' } },
          /^shadow\.model 'fraud@production' is the deployment's own model/,
        ],
        [{ canary: { percent: 0 } }, /^canary\.percent must be/],
        [{ model: 'fraud@nope' }, /^model 'fraud@nope': Model 'fraud' has no alias 'nope'/],
        [
          { batching: { preferredBatchSizes: [64] } },
          /^batching: preferred_batch_sizes: 64 is larger than max_batch_size 32/,
        ],
        [{ logSampleRate: 2 }, /^log_sample_rate must be/],
      ];
      const before = await assay.deployments.get('full');
      for (const [patch, message] of cases) {
        const error = await assay.deployments.update('full', patch).catch((caught: unknown) => caught);
        expect(error, JSON.stringify(patch)).toBeInstanceOf(InvalidParameterError);
        expect((error as Error).message).toMatch(message);
      }
      expect(await assay.deployments.get('full')).toEqual(before);
      await assay.deployments.create({ name: 'bare', model: 'fraud@1' });
      await expect(assay.deployments.update('bare', { canary: { maxErrorRate: 0.1 } })).rejects.toThrow(
        /^canary\.model is required/,
      );
      await expect(assay.deployments.update('bare', { canary: { model: 'fraud@2' } })).rejects.toThrow(
        /^canary\.percent is required/,
      );
      await assay.deployments.delete('bare');
    });

    it('answers an unknown deployment with RESOURCE_DOES_NOT_EXIST', async () => {
      // Thunks, so each call starts only once the previous rejection is caught (an array of
      // promises would leave the later ones rejecting unhandled while the first is awaited).
      for (const attempt of [
        () => assay.deployments.get('ghost'),
        () => assay.deployments.update('ghost', { logSampleRate: 0.5 }),
        () => assay.deployments.delete('ghost'),
      ]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as Error).message).toBe('Deployment with name=ghost not found');
      }
    });

    it('stores a reported status; an update clears a canary halt and bumps the generation', async () => {
      const { generation } = await assay.deployments.get('full');
      expect(await assay.deployments.saveStatus('full', STATUS, generation)).toBe(true);
      const reported = await assay.deployments.get('full');
      expect(reported.status).toEqual(STATUS);
      expect(reported.statusGeneration).toBe(generation);
      expect(reported.generation).toBe(generation);
      expect(
        (await assay.deployments.listForServing()).find((d) => d.spec.name === 'full')?.canaryHalt,
      ).toEqual(STATUS.canaryHalt);
      // An update that changes nothing still starts afresh: it is how a halted canary is resumed.
      const resumed = await assay.deployments.update('full', {});
      expect(resumed.generation).toBe(generation + 1);
      expect(resumed.spec).toEqual(reported.spec);
      expect(resumed.status).toEqual({ ...STATUS, canaryHalt: null });
      // A report about the previous generation is dropped: it would bring the halt back.
      expect(await assay.deployments.saveStatus('full', STATUS, generation)).toBe(false);
      expect((await assay.deployments.get('full')).status?.canaryHalt).toBeNull();
      // Without a generation, a report is written whatever the generation.
      const unhalted = { ...STATUS, canaryHalt: null, shadowDiff: null, error: 'version 3 failed to load' };
      expect(await assay.deployments.saveStatus('full', unhalted)).toBe(true);
      expect(await assay.deployments.get('full')).toMatchObject({ status: unhalted, statusGeneration: null });
    });

    it('a status reported after the deployment was deleted writes nothing', async () => {
      await assay.deployments.create({ name: 'gone', model: 'fraud@production' });
      await assay.deployments.delete('gone');
      expect(await assay.deployments.saveStatus('gone', STATUS)).toBe(false);
      expect(await assay.deployments.saveStatus('gone', STATUS, 1)).toBe(false);
      await expect(assay.deployments.get('gone')).rejects.toBeInstanceOf(NotFoundError);
      // Created again under the same name: a new deployment, starting at generation 1 without a status.
      const again = await assay.deployments.create({ name: 'gone', model: 'fraud@2' });
      expect(again).toMatchObject({ generation: 1, status: null });
      await assay.deployments.delete('gone');
    });

    it('concurrent updates of one deployment all apply, one generation each', async () => {
      const { generation } = await assay.deployments.get('full');
      const rates = [0.1, 0.2, 0.3, 0.4, 0.5];
      const results = await Promise.all(
        rates.map((rate) => assay.deployments.update('full', { logSampleRate: rate })),
      );
      expect(results.map((r) => r.generation).sort((a, b) => a - b)).toEqual(
        rates.map((_, i) => generation + i + 1),
      );
      const last = results.find((r) => r.generation === generation + rates.length);
      expect((await assay.deployments.get('full')).spec.logSampleRate).toBe(last?.spec.logSampleRate);
    });

    it('tells listeners of each committed change, and of nothing else', async () => {
      const changes: DeploymentChange[] = [];
      const unsubscribe = assay.deployments.onChange((change) => changes.push(change));
      const failing = assay.deployments.onChange(() => {
        throw new Error('a listener that fails does not fail the change');
      });
      await assay.deployments.create({ name: 'watched', model: 'fraud@production' });
      await assay.deployments.create({ name: 'watched', model: 'fraud@production' }).catch(() => undefined);
      await assay.deployments.update('watched', { logSampleRate: 0.5 });
      await assay.deployments.update('watched', { logSampleRate: 5 }).catch(() => undefined);
      await assay.deployments.saveStatus('watched', STATUS);
      await assay.deployments.delete('watched');
      await assay.deployments.delete('watched').catch(() => undefined);
      expect(changes).toEqual([
        { kind: 'created', name: 'watched', generation: 1 },
        { kind: 'updated', name: 'watched', generation: 2 },
        { kind: 'deleted', name: 'watched', generation: null },
      ]);
      unsubscribe();
      failing();
      await assay.deployments.create({ name: 'unwatched', model: 'fraud@production' });
      await assay.deployments.delete('unwatched');
      expect(changes).toHaveLength(3);
    });
  },
);
