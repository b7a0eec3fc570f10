import { beforeAll, describe, expect, it } from 'vitest';
import { BehaviourOperations } from '../../src/operations/behaviour-operations.js';
import { FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

const ALICE = { actor: 'alice' };
const CANCER = `${FIXTURE_ROOT}breast_cancer/`;

/** Versions 1 (logistic regression), 2 (MLP), 3 (forest), 4 (the logistic regression again). */
const CONTRACT = `dataset: cancer
where: "split = 'eval'"
baseline: production
checks:
  - {metric: accuracy, min: 0.9}
  - {metric: recall, slice: large, min: 0.5}
  - {metric: accuracy, max_drop: 0.05}
  - {metric: log_loss, max_rise_relative: 5}
  - {negative_flip_rate: {max: 0.05}}
  - {btc: {min: 0.95}}
  - {threshold: {output: probabilities, class: 1, at: 0.7, max_crossing_rate: 0.05, max_down: 5}}
  - {invariance: {column: mean_fractal_dimension, add: 0.0001, max_flip_rate: 0.0}}
  - {direction: {column: worst_concave_points, output: probabilities, class: 1, increasing: false}}
  - {range: {output: probabilities, min: 0, max: 1}}
`;

describeEachStore(
  'contracts and gated promotion',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    let operations: BehaviourOperations;
    const assayApi = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
      harness.mlflow.request(method, `/api/assay/v1${path}`, body);
    const mlflowSetAlias = (version: string, alias = 'production') =>
      harness.mlflow.post('registered-models/alias', { name: 'cancer', alias, version });

    beforeAll(async () => {
      harness = get();
      operations = new BehaviourOperations(harness.context);
      for (const file of ['bc-logreg-v1', 'bc-mlp-v2', 'bc-forest-v3', 'bc-logreg-v1']) {
        await operations.registerModel({ name: 'cancer', file: `${CANCER}${file}.onnx` }, ALICE);
      }
      await operations.createDataset({
        name: 'cancer',
        file: `${CANCER}breast_cancer.csv`,
        label: 'target',
        id: 'id',
        slices: [{ name: 'large', predicate: 'mean_radius >= 15' }],
      });
    });

    it('before any contract, aliases move freely', async () => {
      expect((await mlflowSetAlias('1')).status).toBe(200);
    });

    it('a contract is versioned, shown, and its setting audited', async () => {
      const first = await operations.setContract('cancer', CONTRACT, ALICE);
      expect(first).toMatchObject({
        name: 'cancer',
        version: 1,
        dataset: 'cancer',
        baseline: 'production',
        protect: ['production'],
        actor: 'alice',
      });
      expect(first.checks).toContain('slice large: recall >= 0.5');
      const shown = await assayApi('GET', '/models/cancer/contract');
      expect(shown.body).toEqual(first);
      const audit = await assayApi('GET', '/audit?model=cancer');
      expect(audit.body.events.at(-1)).toMatchObject({
        action: 'contract.set',
        to_version: '1',
        actor: 'alice',
      });
    });

    it('an unchecked version cannot take a protected alias, through either API', async () => {
      const mlflow = await mlflowSetAlias('2');
      expect(mlflow.status).toBe(400);
      expect(mlflow.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(mlflow.body.message).toContain('version 2 has not been checked');
      const assay = await assayApi('PUT', '/models/cancer/aliases/production', { version: 2 });
      expect(assay.status).toBe(400);
      expect(assay.body.message).toContain('has not been checked');
    });

    it('checks: the baseline itself is identical, the MLP compatible, the forest incompatible with its numbers', async () => {
      const baseline = await operations.check('cancer', '1');
      expect(baseline).toMatchObject({
        verdict: 'identical',
        suggested_label: 'patch',
        signature_changed: false,
      });
      expect(baseline.baseline).toEqual({ name: 'cancer', version: 1, alias: 'production' });

      const mlp = await operations.check('cancer', '2');
      expect(mlp).toMatchObject({ verdict: 'compatible', suggested_label: 'minor', contract_version: 1 });
      expect(mlp.results.every((result) => result.outcome === 'passed')).toBe(true);
      const crossing = mlp.results.find((result) => result.check.startsWith('at 0.7'));
      expect(crossing?.observed).toMatchObject({ up: 4, down: 3, n: 228 });

      const forest = await operations.check('cancer', '3');
      expect(forest).toMatchObject({ verdict: 'incompatible', suggested_label: 'major' });
      const failed = forest.results.filter((result) => result.outcome === 'failed');
      expect(failed.map((result) => result.check)).toEqual([
        'slice large: recall >= 0.5',
        'at 0.7 on probabilities[1]: crossings.rate <= 0.05, down <= 5',
        'direction: raising worst_concave_points by one standard deviation must not raise probabilities[1]',
      ]);
      expect(failed[0]?.detail).toMatch(/^recall on slice large 0\.\d+ < 0\.5$/);
      expect(failed[0]?.line).toBe(6);

      const again = await operations.check('cancer', '4');
      expect(again.verdict).toBe('identical');
    });

    it('the verdict is stored with the version: models show, and MLflow tags', async () => {
      const shown = await operations.showModelVersion('cancer', '3');
      expect(shown.check).toMatchObject({ verdict: 'incompatible', contract_version: 1 });
      expect(shown.evaluations?.length).toBeGreaterThan(0);
      const model = await operations.showModel('cancer');
      expect(model.contract_version).toBe(1);
      expect(model.versions.map((version) => version.check?.verdict)).toEqual([
        'identical',
        'compatible',
        'incompatible',
        'identical',
      ]);
      const mlflow = await harness.mlflow.get('model-versions/get', { name: 'cancer', version: '3' });
      const tags = mlflow.body.model_version.tags as { key: string; value: string }[];
      expect(tags).toContainEqual({ key: 'assay.check.verdict', value: 'incompatible' });
      expect(tags.find((tag) => tag.key === 'assay.check.failed')?.value).toContain(
        'slice large: recall >= 0.5',
      );
    });

    it('an incompatible version is refused, naming the failed checks; a compatible one moves', async () => {
      const refused = await mlflowSetAlias('3');
      expect(refused.status).toBe(400);
      expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(refused.body.message).toContain('is incompatible');
      expect(refused.body.message).toContain('slice large: recall >= 0.5 (recall on slice large');
      const assay = await assayApi('PUT', '/models/cancer/aliases/production', { version: 3 });
      expect(assay.status).toBe(400);
      expect(
        (await harness.mlflow.get('registered-models/alias', { name: 'cancer', alias: 'production' })).body
          .model_version.version,
      ).toBe('1');

      // Unprotected aliases are not gated.
      expect((await mlflowSetAlias('3', 'staging')).status).toBe(200);
    });

    it('force needs a reason; a forced move goes through and is audited as such', async () => {
      const noReason = await assayApi('PUT', '/models/cancer/aliases/production', {
        version: 3,
        force: true,
      });
      expect(noReason.status).toBe(400);
      expect(noReason.body.message).toContain('reason is required');
      const forced = await assayApi('PUT', '/models/cancer/aliases/production', {
        version: 3,
        force: true,
        reason: 'hotfix for INC-42',
      });
      expect(forced.status).toBe(200);
      expect(forced.body).toEqual({
        name: 'cancer',
        alias: 'production',
        version: 3,
        previous_version: 1,
        forced: true,
      });
      const audit = await assayApi('GET', '/audit?model=cancer&alias=production');
      expect(audit.body.events.at(-1)).toMatchObject({
        action: 'alias.set',
        from_version: '1',
        to_version: '3',
        reason: 'forced past the contract: hotfix for INC-42',
      });
    });

    it('a check is stale once the baseline moves or the contract changes', async () => {
      // production is now 3: version 2 was checked against 1.
      const movedBaseline = await mlflowSetAlias('2');
      expect(movedBaseline.body.message).toContain(
        'was checked against production = 1, but production is now 3',
      );
      await operations.setAlias(
        { name: 'cancer', alias: 'production', version: 1, force: true },
        {
          ...ALICE,
          reason: 'roll back',
        },
      );
      expect((await mlflowSetAlias('2')).status).toBe(200);

      await operations.setContract('cancer', CONTRACT.replace('min: 0.9}', 'min: 0.91}'), ALICE);
      const stale = await mlflowSetAlias('4');
      expect(stale.body.message).toContain('was checked against contract v1, not the current v2');
      // Against the new contract and production = 2, version 4 (= version 1) passes too.
      expect((await operations.check('cancer', '4')).verdict).toBe('compatible');
      expect((await mlflowSetAlias('4')).status).toBe(200);
    });

    it('a regressor contract: metric bounds, invariance on values, output range', async () => {
      const root = `${FIXTURE_ROOT}diabetes/`;
      await operations.registerModel({ name: 'sugar', file: `${root}diabetes-linear-v1.onnx` }, ALICE);
      await operations.registerModel({ name: 'sugar', file: `${root}diabetes-mlp-v2.onnx` }, ALICE);
      await operations.createDataset({
        name: 'sugar',
        file: `${root}diabetes.csv`,
        label: 'target',
        id: 'id',
      });
      await operations.setAlias({ name: 'sugar', alias: 'production', version: 1 }, ALICE);
      await operations.setContract(
        'sugar',
        [
          'dataset: sugar@1',
          `where: "split = 'eval'"`,
          'baseline: production',
          'checks:',
          '  - {metric: mae, max_rise_relative: 0.5}',
          '  - {metric: r2, min: 0.1}',
          '  - {invariance: {column: s6, add: 0.001, max_flip_rate: 1.0}}',
          '  - {range: {output: value, min: 0, max: 400}}',
        ].join('\n'),
        ALICE,
      );
      const check = await operations.check('sugar', '2');
      expect(check.results.map((result) => [result.check, result.outcome])).toEqual([
        ['mae rises at most 50% vs baseline', expect.any(String)],
        ['r2 >= 0.1', expect.any(String)],
        ['invariance: s6 + 0.001 changes at most 100% of decisions', 'passed'],
        ['value within [0, 400], no NaN', expect.any(String)],
      ]);
      expect(check.verdict).not.toBe('identical');
    });

    describe('bad input: a clear error, nothing written', () => {
      const refusedContract = async (source: string, message: string | RegExp) => {
        const before = await operations.showContract('cancer');
        await expect(operations.setContract('cancer', source, ALICE)).rejects.toThrow(message);
        expect(await operations.showContract('cancer')).toEqual(before);
      };

      it('malformed YAML names the line', async () => {
        await refusedContract(
          'dataset: cancer\nchecks:\n  - {metric: accuracy, min: 0.9\n',
          /^contract: line \d+: malformed YAML/,
        );
      });

      it('unknown metrics, slices, columns, outputs and datasets', async () => {
        const base = 'dataset: cancer\nchecks:\n';
        await refusedContract(
          `${base}  - {metric: acuracy, min: 0.9}\n`,
          "contract: line 3, checks[0].metric: unknown metric 'acuracy'",
        );
        await refusedContract(
          `${base}  - {metric: recall, slice: seniors, min: 0.8}\n`,
          "has no slice 'seniors' (its slices: large)",
        );
        await refusedContract(`${base}  - {invariance: {column: fnlwgt, add: 1000}}\n`, /line 3.*fnlwgt/);
        await refusedContract(`${base}  - {range: {output: scores, min: 0}}\n`, "output 'scores'");
        await refusedContract(
          `${base}  - {threshold: {class: 5, at: 0.5, max_up: 1}}\n`,
          'class 5 is not one of',
        );
        await refusedContract(
          'dataset: nowhere\nchecks:\n  - {metric: accuracy, min: 0.9}\n',
          "Dataset 'nowhere' does not exist",
        );
        await refusedContract(
          `dataset: cancer\nwhere: "radius > 3"\nchecks:\n  - {metric: accuracy, min: 0.9}\n`,
          /where: .*radius/,
        );
      });

      it('a model without a contract, an unknown model, an unknown alias', async () => {
        await expect(operations.showContract('sugar-free')).rejects.toThrow('sugar-free');
        await expect(operations.check('cancer', 'canary')).rejects.toThrow(
          "Model 'cancer' has no alias 'canary' (its aliases: production -> 4, staging -> 3)",
        );
        await expect(operations.evaluate({ model: 'cancer', dataset: 'cancer' })).rejects.toThrow(
          'must name a version or an alias',
        );
      });
    });
  },
);
