import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { DATA, openDatasetsHarness, storedFiles, writeTemp } from './dataset-helpers.js';

const IRIS = path.join(DATA, 'iris/iris.csv');
const DIABETES = path.join(DATA, 'diabetes/diabetes.csv');

describeEachStore(
  'dataset versions are content-addressed',
  (store) => openDatasetsHarness(store),
  (get) => {
    it('names the stored file by the sha256 of the source bytes', async () => {
      const { datasets, artifactsDir } = get();
      const { dataset } = await datasets.createDataset('iris', IRIS, { labelColumn: 'target' });
      const sha = createHash('sha256').update(fs.readFileSync(IRIS)).digest('hex');
      expect(dataset.contentDigest).toBe(sha);
      expect(dataset.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(dataset.digest).not.toBe(sha);
      expect(await storedFiles(artifactsDir)).toEqual([
        expect.stringMatching(new RegExp(`^${sha}\\.csv\\.[0-9a-f]{8}\\.arrow$`)),
      ]);
      expect(dataset.artifactPath).toBe(`datasets/${(await storedFiles(artifactsDir))[0]}`);
    });

    it('returns the existing version for the same file and definition, creating nothing', async () => {
      const { datasets, artifactsDir } = get();
      const before = await storedFiles(artifactsDir);
      const again = await datasets.createDataset('iris', IRIS, { labelColumn: 'target' });
      expect(again.created).toBe(false);
      expect(again.dataset.version).toBe(1);
      expect(await storedFiles(artifactsDir)).toEqual(before);
      expect((await datasets.showDataset('iris')).versions).toHaveLength(1);
    });

    it('reads the same bytes from a stream as the same version', async () => {
      const { datasets } = get();
      const fromStream = await datasets.createDataset('iris', fs.createReadStream(IRIS), {
        format: 'csv',
        labelColumn: 'target',
      });
      expect(fromStream).toMatchObject({ created: false, dataset: { version: 1 } });
    });

    it('makes a new version for a new definition, sharing the stored file', async () => {
      const { datasets, artifactsDir } = get();
      const v1 = await datasets.getDatasetVersion('iris', 1);
      const v2 = await datasets.createDataset('iris', IRIS, {
        labelColumn: 'target',
        slices: [{ name: 'long', predicate: 'petal_length > 4' }],
      });
      expect(v2.created).toBe(true);
      expect(v2.dataset.version).toBe(2);
      expect(v2.dataset.contentDigest).toBe(v1.contentDigest);
      expect(v2.dataset.digest).not.toBe(v1.digest);
      expect(v2.dataset.artifactPath).toBe(v1.artifactPath);
      expect(await storedFiles(artifactsDir)).toEqual([path.basename(v1.artifactPath)]);

      const v3 = await datasets.createDataset('iris', IRIS, { labelColumn: 'target', idColumn: 'id' });
      expect(v3.dataset.version).toBe(3);
      const v4 = await datasets.createDataset('iris', IRIS, {});
      expect(v4.dataset.version).toBe(4);
    });

    it('treats slice order and predicate spelling as the same definition', async () => {
      const { datasets } = get();
      const slices = [
        { name: 'b', predicate: "split = 'eval'" },
        { name: 'a', predicate: 'sepal_width>=3 AND target IN (0,1)' },
      ];
      const first = await datasets.createDataset('iris-slices', IRIS, { slices });
      const same = await datasets.createDataset('iris-slices', IRIS, {
        slices: [
          { name: 'a', predicate: 'sepal_width >= 3 and target in (0, 1)' },
          { name: 'b', predicate: 'split == "eval"' },
        ],
      });
      expect(same.created).toBe(false);
      expect(same.dataset.version).toBe(first.dataset.version);
      // Stored sorted by name, with the text given first.
      expect(first.dataset.slices).toEqual([slices[1], slices[0]]);
    });

    it('gives every dataset its own version numbers; the same rows share one file across datasets', async () => {
      const { datasets, artifactsDir } = get();
      const other = await datasets.createDataset('flowers', IRIS, { labelColumn: 'target' });
      expect(other).toMatchObject({ created: true, dataset: { name: 'flowers', version: 1 } });
      expect(await storedFiles(artifactsDir)).toHaveLength(1);
      const diabetes = await datasets.createDataset('flowers', DIABETES);
      expect(diabetes.dataset.version).toBe(2);
      expect(await storedFiles(artifactsDir)).toHaveLength(2);
    });

    it('issues distinct version numbers to concurrent imports of different content', async () => {
      const { datasets } = get();
      const results = await Promise.all([
        datasets.createDataset('race', IRIS),
        datasets.createDataset('race', DIABETES),
        datasets.createDataset('race', IRIS, { labelColumn: 'target' }),
      ]);
      expect(results.map((r) => r.dataset.version).sort()).toEqual([1, 2, 3]);
      expect(results.every((r) => r.created)).toBe(true);
    });

    it('returns one version to concurrent imports of the same content, keeping one file', async () => {
      const { datasets, artifactsDir, dir } = get();
      // Content no earlier test imported, so that both imports really parse and store it.
      const fresh = await writeTemp(dir, 'race.csv', 'x,y\n1,2\n3,4\n5,6\n');
      const results = await Promise.all([
        datasets.createDataset('same-race', fresh, { labelColumn: 'y' }),
        datasets.createDataset('same-race', fresh, { labelColumn: 'y' }),
      ]);
      expect(results.map((r) => r.dataset.version)).toEqual([1, 1]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await datasets.showDataset('same-race')).versions).toHaveLength(1);
      // Each import wrote a file of its own; the one whose version lost removed its copy.
      const digest = results[0]?.dataset.contentDigest ?? '';
      const files = (await storedFiles(artifactsDir)).filter((file) => file.startsWith(digest));
      expect(files.map((file) => `datasets/${file}`)).toEqual([results[0]?.dataset.artifactPath]);
    });

    it('keeps the description with the version, outside its identity', async () => {
      const { datasets } = get();
      const described = await datasets.createDataset('described', IRIS, { description: 'Fisher 1936' });
      expect(described.dataset.description).toBe('Fisher 1936');
      const again = await datasets.createDataset('described', IRIS, { description: 'another text' });
      expect(again).toMatchObject({ created: false, dataset: { version: 1, description: 'Fisher 1936' } });
      expect((await datasets.getDatasetVersion('described', 1)).description).toBe('Fisher 1936');
    });
  },
);
