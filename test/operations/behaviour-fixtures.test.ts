import { beforeAll, describe, expect, it } from 'vitest';
import { BehaviourOperations } from '../../src/operations/behaviour-operations.js';
import { loadFixture, FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';
import { referenceMismatches } from '../evaluation/support/reference-compare.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

const ACTOR = { actor: 'tester' };

/** Each fixture folder as Assay is told about it: label, id, a slice, and the eval rule as a filter. */
const DATASETS = [
  {
    folder: 'breast_cancer',
    label: 'target',
    id: 'id',
    slices: [{ name: 'large', predicate: 'mean_radius >= 15' }],
    where: "split = 'eval'",
    inputs: 'tensor',
  },
  {
    folder: 'iris',
    label: 'target',
    id: 'id',
    slices: [{ name: 'long_petals', predicate: 'petal_length > 4' }],
    where: "split = 'eval'",
    inputs: 'tensor',
  },
  {
    folder: 'diabetes',
    label: 'target',
    id: 'id',
    slices: [{ name: 'seniors', predicate: 'age >= 60' }],
    where: "split = 'eval'",
    inputs: 'tensor',
  },
  {
    folder: 'bike_sharing',
    label: 'cnt',
    id: 'instant',
    slices: [{ name: 'rush_hour', predicate: 'hr in (7, 8, 17, 18) and workingday = 1' }],
    where: 'yr = 1',
    inputs: 'columns',
  },
] as const;

describeEachStore(
  'behavioural versioning on every fixture dataset',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    let operations: BehaviourOperations;

    beforeAll(() => {
      harness = get();
      operations = new BehaviourOperations(harness.context);
    });

    for (const dataset of DATASETS) {
      describe(dataset.folder, () => {
        const fixture = loadFixture(dataset.folder);
        const reference = fixture.reference;
        const files = Object.keys(reference.models);
        const modelName = (file: string): string => file.replace(/\.onnx$/, '');

        it('registers every model: runnable, signature and input mode recorded', async () => {
          for (const file of files) {
            const view = await operations.registerModel(
              { name: modelName(file), file: `${FIXTURE_ROOT}${dataset.folder}/${file}` },
              ACTOR,
            );
            expect(view).toMatchObject({ name: modelName(file), version: 1, status: 'READY' });
            expect(view.runtime?.input_mode).toBe(dataset.inputs);
            expect(view.runtime?.task).toBe(
              reference.task === 'regression' ? 'regression' : 'classification',
            );
            expect(view.runtime?.sha256).toMatch(/^[0-9a-f]{64}$/);
            expect(view.runtime?.opsets.length).toBeGreaterThan(0);
          }
        });

        it('imports the CSV as version 1; the same content again is the same version', async () => {
          const request = {
            name: dataset.folder,
            file: `${FIXTURE_ROOT}${dataset.folder}/${reference.csv}`,
            label: dataset.label,
            id: dataset.id,
            slices: dataset.slices,
          };
          const first = await operations.createDataset(request);
          expect(first.created).toBe(true);
          expect(first.dataset).toMatchObject({ version: 1, rows: expect.any(Number), label: dataset.label });
          const again = await operations.createDataset(request);
          expect(again).toEqual({ dataset: first.dataset, created: false });
        });

        it('evaluates every model on the eval rows: metrics equal reference.json', async () => {
          for (const file of files) {
            const view = await operations.evaluate({
              model: `${modelName(file)}@1`,
              dataset: dataset.folder,
              where: dataset.where,
            });
            expect(view.rows).toBe(reference.eval_rows);
            expect(view.computed).toBe(true);
            expect(referenceMismatches(view.metrics, reference.models[file]), file).toEqual([]);
            const slice = view.slices[dataset.slices[0].name];
            expect(slice?.rows).toBeGreaterThan(0);
            expect(slice?.rows).toBeLessThan(reference.eval_rows);
          }
        });

        it('asking again returns the stored evaluation, also for a differently spelled filter', async () => {
          const file = files[0] as string;
          const first = await operations.evaluate({
            model: `${modelName(file)}@1`,
            dataset: `${dataset.folder}@1`,
            where: dataset.where,
          });
          const spaced = await operations.evaluate({
            model: `${modelName(file)}@1`,
            dataset: dataset.folder,
            where: `  ${dataset.where.replace(' = ', '=')} `,
          });
          expect(first.computed).toBe(false);
          expect(spaced.id).toBe(first.id);
          const listed = await operations.listEvaluations({ model: `${modelName(file)}@1` });
          expect(listed.map((evaluation) => evaluation.id)).toEqual([first.id]);
        });

        it('diffs each pair of versions: numbers equal reference.json', async () => {
          for (const [pair, expected] of Object.entries(reference.diffs)) {
            const [older, newer] = pair.split(' -> ') as [string, string];
            const view = await operations.diff({
              a: `${modelName(older)}@1`,
              b: `${modelName(newer)}@1`,
              dataset: dataset.folder,
              where: dataset.where,
              top: 5,
            });
            expect(referenceMismatches(view.overall, expected), pair).toEqual([]);
            expect(view.top).toHaveLength(5);
            const top = view.top[0];
            expect(top?.id).not.toBeNull();
            expect(Object.keys(top?.inputs ?? {})).not.toContain(dataset.label);
            expect(view.slices[dataset.slices[0].name]).toMatchObject({ n: expect.any(Number) });
          }
        });
      });
    }

    it('evaluations show to MLflow clients as model version tags', async () => {
      const response = await harness.mlflow.get('model-versions/get', { name: 'iris-mlp-v2', version: '1' });
      const tags = Object.fromEntries(
        (response.body.model_version.tags as { key: string; value: string }[]).map((tag) => [
          tag.key,
          tag.value,
        ]),
      );
      const accuracy = Object.entries(tags).find(([key]) =>
        /^assay\.eval\.iris\.v1\.where-[0-9a-f]{8}\.accuracy$/.test(key),
      );
      const reference = loadFixture('iris').reference.models['iris-mlp-v2.onnx'] as { accuracy: number };
      expect(Number(accuracy?.[1])).toBe(reference.accuracy);
      expect(Object.values(tags)).toContain("split = 'eval'");
    });

    it('the HTTP API gives the same evaluation and diff as JSON', async () => {
      const http = harness.mlflow;
      const evaluation = await http.request('POST', '/api/assay/v1/evaluations', {
        model: 'iris-mlp-v2@1',
        dataset: 'iris',
        where: "split = 'eval'",
      });
      expect(evaluation.status).toBe(200);
      expect(evaluation.body.computed).toBe(false);
      const byId = await http.request('GET', `/api/assay/v1/evaluations/${evaluation.body.id}`);
      expect(byId.body.metrics).toEqual(evaluation.body.metrics);
      const diff = await http.request(
        'GET',
        `/api/assay/v1/diffs?a=iris-logreg-v1@1&b=iris-mlp-v2@1&dataset=iris&where=${encodeURIComponent("split = 'eval'")}&top=3`,
      );
      expect(diff.status).toBe(200);
      const expected = loadFixture('iris').reference.diffs['iris-logreg-v1.onnx -> iris-mlp-v2.onnx'];
      expect(referenceMismatches(diff.body.overall, expected)).toEqual([]);
      expect(diff.body.top).toHaveLength(3);
    });
  },
);
