import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { BehaviourOperations } from '../../src/operations/behaviour-operations.js';
import { FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

const ALICE = { actor: 'alice' };
const IRIS = `${FIXTURE_ROOT}iris/`;
const CONTRACT = 'dataset: iris\nchecks:\n  - {metric: accuracy, min: 0.5}\n';

/** What Assay keeps about a model (evaluations, contract, checks) follows MLflow's renames and deletions. */
describeEachStore(
  'evaluations and contracts through renames and deletions',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    let operations: BehaviourOperations;
    const outputs = async () => {
      try {
        return await fs.readdir(path.join(harness.store.artifactsDir, 'evaluations'));
      } catch {
        return [];
      }
    };

    beforeAll(async () => {
      harness = get();
      operations = new BehaviourOperations(harness.context);
      await operations.createDataset({ name: 'iris', file: `${IRIS}iris.csv`, label: 'target', id: 'id' });
      for (const file of ['iris-logreg-v1', 'iris-mlp-v2']) {
        await operations.registerModel({ name: 'flowers', file: `${IRIS}${file}.onnx` }, ALICE);
      }
      await operations.setContract('flowers', CONTRACT, ALICE);
      for (const version of ['1', '2']) await operations.check('flowers', version);
    });

    it('a renamed model keeps its evaluations, contract and checks', async () => {
      const renamed = await harness.mlflow.post('registered-models/rename', {
        name: 'flowers',
        new_name: 'petals',
      });
      expect(renamed.status).toBe(200);
      expect((await operations.showContract('petals')).version).toBe(1);
      const version = await operations.showModelVersion('petals', '2');
      expect(version.check?.verdict).toBe('compatible');
      expect(version.evaluations).toHaveLength(1);
      expect((await operations.listEvaluations({ model: 'petals' })).map((e) => e.model.name)).toEqual([
        'petals',
        'petals',
      ]);
      await expect(operations.showContract('flowers')).rejects.toThrow('name=flowers not found');
    });

    it('deleting a version deletes its evaluations and their stored outputs', async () => {
      expect(await outputs()).toHaveLength(2);
      const [kept, gone] = await Promise.all([
        operations.listEvaluations({ model: 'petals@1' }),
        operations.listEvaluations({ model: 'petals@2' }),
      ]);
      const deleted = await harness.mlflow.delete('model-versions/delete', { name: 'petals', version: '2' });
      expect(deleted.status).toBe(200);
      expect(await outputs()).toEqual([`${kept[0]?.id}.arrow`]);
      await expect(operations.getEvaluation(gone[0]?.id ?? '')).rejects.toThrow('does not exist');
      expect(await operations.getEvaluation(kept[0]?.id ?? '')).toMatchObject({
        model: { name: 'petals', version: 1 },
      });
    });

    it('deleting the model deletes the rest; a new model of that name starts clean', async () => {
      expect((await harness.mlflow.delete('registered-models/delete', { name: 'petals' })).status).toBe(200);
      expect(await outputs()).toEqual([]);
      expect(await operations.listEvaluations({ model: 'petals' })).toEqual([]);
      await operations.registerModel({ name: 'petals', file: `${IRIS}iris-mlp-v2.onnx` }, ALICE);
      await expect(operations.showContract('petals')).rejects.toThrow('has no contract');
      expect((await operations.showModelVersion('petals', '1')).check).toBeUndefined();
    });
  },
);
