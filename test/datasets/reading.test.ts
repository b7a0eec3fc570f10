import path from 'node:path';
import { expect, it } from 'vitest';
import { InvalidParameterError, NotFoundError } from '../../src/errors/assay-error.js';
import { describeEachStore } from '../helpers/stores.js';
import { allRows, batchRows, DATA, openDatasetsHarness, writeTemp } from './dataset-helpers.js';

const BIKE = path.join(DATA, 'bike_sharing/hour.csv');

describeEachStore(
  'reading dataset versions',
  (store) => openDatasetsHarness(store, { batchRows: 5000 }),
  (get) => {
    it('streams stored record batches, or batches of any size, with the columns asked for', async () => {
      const { datasets } = get();
      await datasets.createDataset('bike', BIKE, { labelColumn: 'cnt', idColumn: 'instant' });
      const version = await datasets.openDatasetVersion('bike', 1);
      const stored: [number, number][] = [];
      for await (const batch of version.batches()) stored.push([batch.offset, batch.length]);
      expect(stored).toEqual([
        [0, 5000],
        [5000, 5000],
        [10_000, 5000],
        [15_000, 2379],
      ]);

      const sizes: number[] = [];
      const instants: number[] = [];
      for await (const batch of version.batches({ columns: ['instant', 'season'], batchSize: 3000 })) {
        expect([...batch.columns.keys()]).toEqual(['instant', 'season']);
        expect(batch.offset).toBe(instants.length);
        sizes.push(batch.length);
        instants.push(...(batch.columns.get('instant')?.values as Float64Array));
      }
      expect(sizes).toEqual([3000, 3000, 3000, 3000, 3000, 2379]);
      expect(instants).toEqual(Array.from({ length: 17_379 }, (_, i) => i + 1));

      const whole = [];
      for await (const batch of version.batches({ columns: ['hr'], batchSize: 100_000 }))
        whole.push(batch.length);
      expect(whole).toEqual([17_379]);
    });

    it('lends stored batches in shared memory, the same rows, reused once released', async () => {
      const { datasets } = get();
      const version = await datasets.openDatasetVersion('bike', 'latest');
      const columns = ['instant', 'temp', 'season'];
      const expected: unknown[] = [];
      for await (const batch of version.batches({ columns })) expected.push(...batchRows(batch));

      const scan = async () => {
        const rows: unknown[] = [];
        const memory = new Set<ArrayBufferLike>();
        const leases = [];
        for await (const lease of version.sharedBatches(columns)) {
          const { batch } = lease;
          expect(batch.offset).toBe(rows.length);
          for (const name of ['instant', 'temp']) {
            const values = batch.columns.get(name)?.values as Float64Array;
            expect(values.buffer).toBeInstanceOf(SharedArrayBuffer);
            memory.add(values.buffer);
          }
          rows.push(...batchRows(batch));
          leases.push(lease);
        }
        return { rows, memory, leases };
      };
      // Held all at once: each batch in memory of its own.
      const first = await scan();
      expect(first.rows).toEqual(expected);
      expect(first.memory.size).toBe(4);
      for (const lease of first.leases) lease.release();
      // Released after each batch: the next batches reuse what the first scan gave back.
      const rows: unknown[] = [];
      for await (const { batch, release } of version.sharedBatches(columns)) {
        expect(first.memory.has((batch.columns.get('temp')?.values as Float64Array).buffer)).toBe(true);
        rows.push(...batchRows(batch));
        release();
      }
      expect(rows).toEqual(expected);
    });

    it('reads rows by index, in the order asked, repeats included', async () => {
      const { datasets } = get();
      const version = await datasets.openDatasetVersion('bike', 'latest');
      const rows = await version.readRows([17_378, 0, 5000, 4999, 0], ['instant', 'season', 'temp']);
      expect(rows.length).toBe(5);
      expect(rows.offset).toBe(0);
      expect(batchRows(rows)).toEqual([
        { instant: 17_379, season: 'spring', temp: 0.26 },
        { instant: 1, season: 'spring', temp: 0.24 },
        { instant: 5001, season: 'fall', temp: 0.66 },
        { instant: 5000, season: 'fall', temp: 0.66 },
        { instant: 1, season: 'spring', temp: 0.24 },
      ]);
      expect((await version.readRows([])).length).toBe(0);
      expect([...(await version.readRows([3])).columns.keys()]).toHaveLength(17);
    });

    it('reads bool and string columns with missing values back exactly', async () => {
      const { datasets, dir } = get();
      const file = await writeTemp(
        dir,
        'mixed.csv',
        'id,flag,name\n1,true,Ada\n2,,\n3,false,"Zoë, 李"\n4,TRUE,""\n',
      );
      await datasets.createDataset('mixed', file);
      const version = await datasets.openDatasetVersion('mixed', 1);
      const expected = [
        { id: 1, flag: true, name: 'Ada' },
        { id: 2, flag: null, name: null },
        { id: 3, flag: false, name: 'Zoë, 李' },
        { id: 4, flag: true, name: null },
      ];
      expect(await allRows(version)).toEqual(expected);
      expect(batchRows(await version.readRows([3, 1, 2]))).toEqual([expected[3], expected[1], expected[2]]);
      for await (const batch of version.batches({ batchSize: 3 })) {
        expect(batchRows(batch)).toEqual(expected.slice(batch.offset, batch.offset + batch.length));
      }
    });

    it('refuses unknown columns, rows out of range and bad batch sizes', async () => {
      const { datasets } = get();
      const version = await datasets.openDatasetVersion('bike', 1);
      expect(() => version.batches({ columns: ['instant', 'Season'] })).toThrow(InvalidParameterError);
      expect(() => version.batches({ columns: ['Season'] })).toThrow(
        "Column 'Season' is not in dataset bike@1; its columns are: instant, dteday, season, yr, mnth, hr, holiday, weekday, workingday, weather, temp, atemp, hum, windspeed, casual, registered, cnt",
      );
      expect(() => version.batches({ batchSize: 0 })).toThrow('Batch size must be a positive integer, got 0');
      await expect(version.readRows([17_379])).rejects.toThrow(
        'Row 17379 is not in dataset bike@1, which has rows 0 to 17378',
      );
      await expect(version.readRows([-1])).rejects.toThrow(InvalidParameterError);
      await expect(version.readRows([1.5])).rejects.toThrow(InvalidParameterError);
      await expect(version.readRows([1], ['nope'])).rejects.toThrow("Column 'nope' is not in dataset bike@1");
    });

    it('opens versions by number or latest, and says what does not exist', async () => {
      const { datasets } = get();
      await datasets.createDataset('bike', BIKE, { labelColumn: 'cnt' });
      expect((await datasets.openDatasetVersion('bike', 'latest')).info.version).toBe(2);
      expect((await datasets.openDatasetVersion('bike', 1)).info.labelColumn).toBe('cnt');
      expect((await datasets.openDatasetVersion('bike', 1)).info.idColumn).toBe('instant');
      await expect(datasets.openDatasetVersion('bike', 3)).rejects.toThrow(
        new NotFoundError("Dataset 'bike' has no version 3"),
      );
      await expect(datasets.openDatasetVersion('nope', 1)).rejects.toThrow(
        new NotFoundError("Dataset 'nope' does not exist"),
      );
      await expect(datasets.openDatasetVersion('nope', 'latest')).rejects.toThrow(NotFoundError);
      await expect(datasets.openDatasetVersion('bike', 0)).rejects.toThrow(
        "Dataset version must be a positive integer or 'latest', got '0'",
      );
      await expect(datasets.showDataset('nope')).rejects.toThrow(
        new NotFoundError("Dataset 'nope' does not exist"),
      );
    });

    it('lists datasets and shows every version of one', async () => {
      const { datasets } = get();
      const list = await datasets.listDatasets();
      expect(list.map((d) => [d.name, d.versions.map((v) => v.version)])).toEqual([
        ['bike', [1, 2]],
        ['mixed', [1]],
      ]);
      expect(list[0]?.createdAt).toBeLessThanOrEqual(list[0]?.updatedAt ?? 0);
      const bike = await datasets.showDataset('bike');
      // The listing carries each dataset's versions as showing it does.
      expect(list[0]).toEqual(bike);
      expect(bike.name).toBe('bike');
      expect(bike.versions.map((v) => [v.version, v.labelColumn, v.idColumn, v.rowCount])).toEqual([
        [1, 'cnt', 'instant', 17_379],
        [2, 'cnt', null, 17_379],
      ]);
      expect(bike.versions[0]?.schema).toEqual(bike.versions[1]?.schema);
      expect(bike.versions[0]?.createdAt).toBeGreaterThan(0);
    });
  },
);
