import path from 'node:path';
import { expect, it } from 'vitest';
import { evaluateExpression } from '../../src/expression/expression-evaluate.js';
import { parseExpression } from '../../src/expression/expression-parser.js';
import { describeEachStore } from '../helpers/stores.js';
import { allRows, DATA, openDatasetsHarness, readCsvText } from './dataset-helpers.js';

const FIXTURES = [
  {
    name: 'breast_cancer',
    file: 'breast_cancer/breast_cancer.csv',
    label: 'target',
    id: 'id',
    rows: 569,
    columns: 33,
    strings: ['split'],
    floats: ['mean_radius'],
    ints: ['target'],
  },
  {
    name: 'iris',
    file: 'iris/iris.csv',
    label: 'target',
    id: 'id',
    rows: 150,
    columns: 7,
    strings: ['split'],
    floats: ['sepal_length'],
    ints: ['target'],
  },
  {
    name: 'diabetes',
    file: 'diabetes/diabetes.csv',
    label: 'target',
    id: 'id',
    rows: 442,
    columns: 13,
    strings: ['split'],
    floats: ['bmi', 's5'],
    ints: ['age', 'target'],
  },
  {
    name: 'bike',
    file: 'bike_sharing/hour.csv',
    label: 'cnt',
    id: 'instant',
    rows: 17_379,
    columns: 17,
    strings: ['dteday', 'season', 'weather'],
    floats: ['temp', 'hum'],
    ints: ['hr', 'cnt'],
  },
];

describeEachStore(
  'dataset import of the fixture CSVs',
  (store) => openDatasetsHarness(store),
  (get) => {
    it.each(FIXTURES)('imports $file: schema inferred, every value as in the file', async (fixture) => {
      const { datasets } = get();
      const file = path.join(DATA, fixture.file);
      const { dataset, created } = await datasets.createDataset(fixture.name, file, {
        labelColumn: fixture.label,
        idColumn: fixture.id,
      });
      expect(created).toBe(true);
      expect(dataset).toMatchObject({
        name: fixture.name,
        version: 1,
        rowCount: fixture.rows,
        sourceFormat: 'csv',
        labelColumn: fixture.label,
        idColumn: fixture.id,
        slices: [],
        description: null,
        artifactPath: expect.stringMatching(
          new RegExp(`^datasets/${dataset.contentDigest}\\.csv\\.[0-9a-f]{8}\\.arrow$`),
        ),
      });
      expect(dataset.contentDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(dataset.schema.columns).toHaveLength(fixture.columns);
      const types = new Map(dataset.schema.columns.map((column) => [column.name, column]));
      for (const name of fixture.strings) expect(types.get(name)).toEqual({ name, type: 'string' });
      for (const name of fixture.floats)
        expect(types.get(name)).toEqual({ name, type: 'float64', integer: false });
      for (const name of fixture.ints)
        expect(types.get(name)).toEqual({ name, type: 'float64', integer: true });

      const { header, records } = await readCsvText(file);
      expect(dataset.schema.columns.map((column) => column.name)).toEqual(header);
      const rows = await allRows(await datasets.openDatasetVersion(fixture.name, 1));
      expect(rows).toHaveLength(records.length);
      records.forEach((record, r) => {
        header.forEach((name, c) => {
          const text = record[c] as string;
          const expected = types.get(name)?.type === 'float64' ? Number(text) : text;
          if (rows[r]?.[name] !== expected)
            throw new Error(`row ${r} column ${name}: ${rows[r]?.[name]} != ${text}`);
        });
      });
    });

    it('infers bike_sharing: season/weather strings, hr an integer float64, temp a fraction', async () => {
      const { dataset } = await get().datasets.createDataset(
        'bike-schema',
        path.join(DATA, 'bike_sharing/hour.csv'),
      );
      const byName = Object.fromEntries(dataset.schema.columns.map((column) => [column.name, column]));
      expect(byName.season).toEqual({ name: 'season', type: 'string' });
      expect(byName.weather).toEqual({ name: 'weather', type: 'string' });
      expect(byName.hr).toEqual({ name: 'hr', type: 'float64', integer: true });
      expect(byName.cnt).toEqual({ name: 'cnt', type: 'float64', integer: true });
      expect(byName.temp).toEqual({ name: 'temp', type: 'float64', integer: false });
      expect(byName.dteday).toEqual({ name: 'dteday', type: 'string' });
    });

    it('evaluates slices on the stored rows, as an independent count over the file does', async () => {
      const { datasets } = get();
      const cases = [
        {
          dataset: 'bc',
          file: 'breast_cancer/breast_cancer.csv',
          slice: 'large',
          predicate: 'mean_radius > 15',
          count: (r: Record<string, string>) => Number(r.mean_radius) > 15,
        },
        {
          dataset: 'bc',
          file: 'breast_cancer/breast_cancer.csv',
          slice: 'eval_benign',
          predicate: "split = 'eval' and target = 1",
          count: (r: Record<string, string>) => r.split === 'eval' && Number(r.target) === 1,
        },
        {
          dataset: 'bike-slices',
          file: 'bike_sharing/hour.csv',
          slice: 'winter_day',
          predicate: "season = 'winter' and hr >= 7",
          count: (r: Record<string, string>) => r.season === 'winter' && Number(r.hr) >= 7,
        },
        {
          dataset: 'bike-slices',
          file: 'bike_sharing/hour.csv',
          slice: 'wet',
          predicate: "weather in ('light_rain_snow', 'heavy_rain_snow') or hum > 0.9",
          count: (r: Record<string, string>) =>
            ['light_rain_snow', 'heavy_rain_snow'].includes(r.weather ?? '') || Number(r.hum) > 0.9,
        },
        {
          dataset: 'bike-slices',
          file: 'bike_sharing/hour.csv',
          slice: 'not_2012',
          predicate: 'not yr = 1',
          count: (r: Record<string, string>) => Number(r.yr) !== 1,
        },
      ];
      for (const group of ['bc', 'bike-slices']) {
        const mine = cases.filter((c) => c.dataset === group);
        const file = path.join(DATA, mine[0]?.file ?? '');
        const { dataset } = await datasets.createDataset(group, file, {
          slices: mine.map((c) => ({ name: c.slice, predicate: c.predicate })),
        });
        expect(dataset.slices.map((s) => s.name)).toEqual(mine.map((c) => c.slice).sort());
        const { header, records } = await readCsvText(file);
        const objects = records.map((record) =>
          Object.fromEntries(header.map((name, i) => [name, record[i] ?? ''])),
        );
        const version = await datasets.openDatasetVersion(group, 'latest');
        for (const c of mine) {
          const expression = parseExpression(dataset.slices.find((s) => s.name === c.slice)?.predicate ?? '');
          let matched = 0;
          for await (const batch of version.batches({ batchSize: 1000 })) {
            matched += evaluateExpression(expression, batch).reduce((sum, m) => sum + m, 0);
          }
          const expected = objects.filter(c.count).length;
          expect(expected).toBeGreaterThan(0);
          expect(matched, c.slice).toBe(expected);
        }
      }
    });
  },
);
