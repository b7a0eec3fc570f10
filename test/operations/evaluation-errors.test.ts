import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { BehaviourOperations } from '../../src/operations/behaviour-operations.js';
import { FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore, makeTempDir } from '../helpers/stores.js';

const IRIS = `${FIXTURE_ROOT}iris/`;

/** A value the model cannot take stops the evaluation with its column and its row in the dataset. */
describeEachStore(
  'evaluation errors name the dataset row',
  (store) => createAppHarness(store),
  (get) => {
    let harness: AppHarness;
    let operations: BehaviourOperations;
    let holed: number;

    beforeAll(async () => {
      harness = get();
      operations = new BehaviourOperations(harness.context);
      // Iris with one eval row's sepal_width missing.
      const lines = (await fs.readFile(`${IRIS}iris.csv`, 'utf8')).trimEnd().split('\n');
      const evalRows = lines.slice(1).flatMap((line, row) => (line.endsWith(',eval') ? [row] : []));
      holed = evalRows[9] as number;
      const cells = (lines[holed + 1] as string).split(',');
      cells[2] = '';
      lines[holed + 1] = cells.join(',');
      const file = path.join(await makeTempDir(), 'iris-holed.csv');
      await fs.writeFile(file, `${lines.join('\n')}\n`);
      await operations.createDataset({ name: 'holed', file, label: 'target', id: 'id' });
      await operations.registerModel(
        { name: 'flowers', file: `${IRIS}iris-logreg-v1.onnx` },
        { actor: 'alice' },
      );
    });

    it.each([
      ['every row', undefined],
      ['rows a filter keeps (no longer consecutive)', "split = 'eval'"],
    ])('%s', async (_, where) => {
      await expect(operations.evaluate({ model: 'flowers@1', dataset: 'holed', where })).rejects.toThrow(
        `Column 'sepal_width', row ${holed}: missing value (for the model's input 'input', float32)`,
      );
      expect(await operations.listEvaluations({})).toEqual([]);
    });
  },
);
