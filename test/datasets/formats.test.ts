import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { allRows, FIXTURES, openDatasetsHarness, writeTemp } from './dataset-helpers.js';

describeEachStore(
  'dataset import from JSONL, Parquet and streams',
  (store) => openDatasetsHarness(store),
  (get) => {
    it('reads JSONL: JSON types decide column types, keys may be missing or come late', async () => {
      const { datasets, dir } = get();
      const lines = [
        '{"id": 1, "age": 34.5, "name": "Ada", "member": true, "tags": ["a"], "code": "007"}',
        '',
        '{"id": 2, "age": null, "name": "Zoë", "member": false, "code": "12"}',
        '{"id": 3, "name": "", "member": null, "code": "x", "extra": 1.5}',
        '   {"age": 61, "id": 4, "name": "O\'Brien \\"OB\\"", "code": "8", "tags": {"k": 1}}   ',
      ];
      const file = await writeTemp(dir, 'people.jsonl', lines.join('\n'));
      const { dataset } = await datasets.createDataset('json-people', file, {
        labelColumn: 'member',
        idColumn: 'id',
      });
      expect(dataset.sourceFormat).toBe('jsonl');
      expect(dataset.rowCount).toBe(4);
      expect(dataset.schema.columns).toEqual([
        { name: 'id', type: 'float64', integer: true },
        { name: 'age', type: 'float64', integer: false },
        { name: 'name', type: 'string' },
        { name: 'member', type: 'bool' },
        { name: 'tags', type: 'string' },
        { name: 'code', type: 'string' },
        { name: 'extra', type: 'float64', integer: false },
      ]);
      expect(await allRows(await datasets.openDatasetVersion('json-people', 1))).toEqual([
        { id: 1, age: 34.5, name: 'Ada', member: true, tags: '["a"]', code: '007', extra: null },
        { id: 2, age: null, name: 'Zoë', member: false, tags: null, code: '12', extra: null },
        { id: 3, age: null, name: '', member: null, tags: null, code: 'x', extra: 1.5 },
        { id: 4, age: 61, name: 'O\'Brien "OB"', member: null, tags: '{"k":1}', code: '8', extra: null },
      ]);
    });

    it('turns a JSONL column that mixes kinds into text, keeping each value', async () => {
      const { datasets, dir } = get();
      const file = await writeTemp(
        dir,
        'mixed.ndjson',
        '{"v": 1.5}\n{"v": true}\n{"v": "a"}\n{"v": null}\n{"w": 2, "constructor": "c", "__proto__": 1}\r\n',
      );
      const { dataset } = await datasets.createDataset('json-mixed', file);
      expect(dataset.schema.columns).toEqual([
        { name: 'v', type: 'string' },
        { name: 'w', type: 'float64', integer: true },
        { name: 'constructor', type: 'string' },
        { name: '__proto__', type: 'float64', integer: true },
      ]);
      // Keys named like Object.prototype's members are columns like any other.
      const rows = await allRows(await datasets.openDatasetVersion('json-mixed', 1));
      expect(rows.map((row) => [row.v, row.w, row['constructor'], row['__proto__']])).toEqual([
        ['1.5', null, null, null],
        ['true', null, null, null],
        ['a', null, null, null],
        [null, null, null, null],
        [null, 2, 'c', 1],
      ]);
    });

    it('reads Parquet row group by row group, with the types Parquet gives', async () => {
      const { datasets } = get();
      // Written by fixtures/make-people-parquet.py: 10 rows in two row groups, nulls in optional columns.
      const file = path.join(FIXTURES, 'people.parquet');
      const { dataset } = await datasets.createDataset('parquet-people', file, {
        labelColumn: 'member',
        idColumn: 'id',
        slices: [{ name: 'seniors', predicate: 'age >= 60' }],
      });
      expect(dataset).toMatchObject({ sourceFormat: 'parquet', rowCount: 10 });
      expect(dataset.schema.columns).toEqual([
        { name: 'id', type: 'float64', integer: true },
        { name: 'age', type: 'float64', integer: false },
        { name: 'name', type: 'string' },
        { name: 'member', type: 'bool' },
        { name: 'score', type: 'float64', integer: true },
        { name: 'joined', type: 'string' },
      ]);
      const rows = await allRows(await datasets.openDatasetVersion('parquet-people', 1));
      expect(rows).toEqual([
        { id: 1, age: 34.5, name: 'Ada', member: true, score: 90, joined: '2020-01-01T00:00:00.000Z' },
        { id: 2, age: null, name: 'Zoë', member: false, score: 75, joined: null },
        { id: 3, age: 61, name: null, member: true, score: 88, joined: '2020-01-02T00:00:00.000Z' },
        { id: 4, age: 45.25, name: '李雷', member: null, score: 60, joined: '1970-01-01T00:00:00.000Z' },
        { id: 5, age: 70, name: "O'Brien", member: false, score: 99, joined: '2022-01-08T00:00:00.000Z' },
        { id: 6, age: 18, name: '', member: true, score: 50, joined: '2020-02-08T00:00:00.000Z' },
        { id: 7, age: null, name: null, member: null, score: 65, joined: null },
        { id: 8, age: 62.5, name: 'Eve', member: true, score: 80, joined: '2020-08-26T00:00:00.000Z' },
        { id: 9, age: 33, name: 'Bob, Jr.', member: false, score: 70, joined: '2020-12-04T00:00:00.000Z' },
        { id: 10, age: 80, name: 'Mallory', member: true, score: 55, joined: '2021-03-14T00:00:00.000Z' },
      ]);
    });

    it('imports a Parquet stream when told its format', async () => {
      const { datasets } = get();
      const file = path.join(FIXTURES, 'people.parquet');
      const result = await datasets.createDataset('parquet-stream', fs.createReadStream(file), {
        format: 'parquet',
      });
      expect(result.dataset.rowCount).toBe(10);
      expect(result.dataset.contentDigest).toBe(
        (await datasets.getDatasetVersion('parquet-people', 1)).contentDigest,
      );
    });

    it('imports CSV from a stream of small chunks, with a BOM, CRLF line ends, quotes and unicode', async () => {
      const { datasets } = get();
      const text =
        '\uFEFFid,"full name",score,flag\r\n1,"Doe, Jane",1.5,TRUE\r\n2,"He said ""hi""\r\nthen left",-2,false\r\n3,李雷,,True\r\n';
      const chunks = [...Buffer.from(text)].map((byte) => Buffer.from([byte]));
      const result = await datasets.createDataset('csv-stream', Readable.from(chunks), { format: 'csv' });
      expect(result.dataset.schema.columns).toEqual([
        { name: 'id', type: 'float64', integer: true },
        { name: 'full name', type: 'string' },
        { name: 'score', type: 'float64', integer: false },
        { name: 'flag', type: 'bool' },
      ]);
      expect(await allRows(await datasets.openDatasetVersion('csv-stream', 1))).toEqual([
        { id: 1, 'full name': 'Doe, Jane', score: 1.5, flag: true },
        { id: 2, 'full name': 'He said "hi"\r\nthen left', score: -2, flag: false },
        { id: 3, 'full name': '李雷', score: null, flag: true },
      ]);
    });

    it('keeps CSV text exactly and reads numbers as numbers', async () => {
      const { datasets, dir } = get();
      const csv = [
        ',a,b,c,d,e,f',
        '0,007,1e3, 12 ,0x1F,Infinity,-0',
        '1,1.50,.5,3,10,NaN,+4',
        '2,,2,4,,,5',
      ].join('\n');
      const file = await writeTemp(dir, 'numbers.csv', csv);
      const { dataset } = await datasets.createDataset('numbers', file);
      expect(dataset.schema.columns).toEqual([
        { name: 'Unnamed: 0', type: 'float64', integer: true },
        { name: 'a', type: 'float64', integer: false },
        { name: 'b', type: 'float64', integer: false },
        { name: 'c', type: 'float64', integer: true },
        { name: 'd', type: 'string' },
        { name: 'e', type: 'string' },
        { name: 'f', type: 'float64', integer: true },
      ]);
      expect(await allRows(await datasets.openDatasetVersion('numbers', 1))).toEqual([
        { 'Unnamed: 0': 0, a: 7, b: 1000, c: 12, d: '0x1F', e: 'Infinity', f: -0 },
        { 'Unnamed: 0': 1, a: 1.5, b: 0.5, c: 3, d: '10', e: 'NaN', f: 4 },
        { 'Unnamed: 0': 2, a: null, b: 2, c: 4, d: null, e: null, f: 5 },
      ]);
    });

    it('reads a column with no values as float64 and true/false in any case as bool', async () => {
      const { datasets, dir } = get();
      const file = await writeTemp(dir, 'sparse.csv', 'a,b,c\n,TRUE,1\n,false,0\n,,\n');
      const { dataset } = await datasets.createDataset('sparse', file);
      expect(dataset.schema.columns).toEqual([
        { name: 'a', type: 'float64', integer: true },
        { name: 'b', type: 'bool' },
        { name: 'c', type: 'float64', integer: true },
      ]);
      expect(await allRows(await datasets.openDatasetVersion('sparse', 1))).toEqual([
        { a: null, b: true, c: 1 },
        { a: null, b: false, c: 0 },
        { a: null, b: null, c: null },
      ]);
    });
  },
);
