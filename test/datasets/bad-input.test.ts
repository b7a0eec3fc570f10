import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import type { CreateDatasetOptions } from '../../src/datasets/dataset-entities.js';
import { InvalidParameterError, NotFoundError } from '../../src/errors/assay-error.js';
import { describeEachStore } from '../helpers/stores.js';
import { DATA, openDatasetsHarness, storedFiles, writeTemp } from './dataset-helpers.js';

const IRIS = path.join(DATA, 'iris/iris.csv');
const IRIS_COLUMNS = 'id, sepal_length, sepal_width, petal_length, petal_width, target, split';

describeEachStore(
  'dataset import refuses bad input, leaving nothing behind',
  (store) => openDatasetsHarness(store),
  (get) => {
    /** Expects an InvalidParameterError with `message`, and no dataset or stored file afterwards. */
    async function refused(
      name: string,
      source: string | Readable,
      options: CreateDatasetOptions,
      message: string | RegExp,
    ): Promise<void> {
      const { datasets, artifactsDir } = get();
      const before = await storedFiles(artifactsDir);
      const error = await datasets.createDataset(name, source, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidParameterError);
      if (typeof message === 'string') expect((error as Error).message).toBe(message);
      else expect((error as Error).message).toMatch(message);
      expect(await storedFiles(artifactsDir)).toEqual(before);
      await expect(datasets.showDataset(name)).rejects.toBeInstanceOf(NotFoundError);
    }

    const csv = async (name: string, text: string): Promise<string> => writeTemp(get().dir, name, text);

    it('refuses a label, id or slice column that is not there, listing the columns', async () => {
      await refused(
        'bad',
        IRIS,
        { labelColumn: 'species' },
        `The label column 'species' is not in the dataset; its columns are: ${IRIS_COLUMNS}`,
      );
      await refused(
        'bad',
        IRIS,
        { idColumn: 'ID' },
        `The id column 'ID' is not in the dataset; its columns are: ${IRIS_COLUMNS}`,
      );
      await refused(
        'bad',
        IRIS,
        { slices: [{ name: 'big', predicate: 'petal_lenght > 4' }] },
        `Slice 'big' uses column 'petal_lenght', which is not in the dataset; its columns are: ${IRIS_COLUMNS}`,
      );
    });

    it('refuses a label column missing from a JSONL file once all of it is read', async () => {
      const file = await writeTemp(get().dir, 'late.jsonl', '{"a": 1}\n{"a": 2, "b": 3}\n');
      await refused(
        'bad',
        file,
        { labelColumn: 'c' },
        "The label column 'c' is not in the dataset; its columns are: a, b",
      );
    });

    it('refuses slices that do not parse, do not type-check, or share a name', async () => {
      await refused(
        'bad',
        IRIS,
        { slices: [{ name: 's', predicate: 'petal_length >' }] },
        "Slice 's': Invalid expression \"petal_length >\": expected a value (a number, a 'string', true, false or a column name) after '>', found the end of the expression at position 15",
      );
      await refused(
        'bad',
        IRIS,
        { slices: [{ name: 's', predicate: 'split = 1' }] },
        "Slice 's': Invalid expression \"split = 1\": cannot compare column 'split' (strings) with the number 1; write the value in quotes: '1'",
      );
      await refused(
        'bad',
        IRIS,
        { slices: [{ name: 's', predicate: "target > 'a'" }] },
        "Slice 's': Invalid expression \"target > 'a'\": cannot compare column 'target' (numbers) with the string 'a'",
      );
      await refused(
        'bad',
        IRIS,
        {
          slices: [
            { name: 's', predicate: 'target = 1' },
            { name: 's', predicate: 'target = 2' },
          ],
        },
        "Slice 's' is defined twice; slice names must be unique",
      );
      await refused('bad', IRIS, { slices: [{ name: '', predicate: 'target = 1' }] }, 'Slice 1 has no name');
      await refused(
        'bad',
        IRIS,
        { slices: [{ name: 's', predicate: '  ' }] },
        "Slice 's' has no predicate (e.g. age >= 60)",
      );
    });

    it('refuses empty sources', async () => {
      await refused(
        'bad',
        await csv('empty.csv', ''),
        {},
        `Dataset source '${path.join(get().dir, 'empty.csv')}' is empty: a CSV file needs a header row`,
      );
      await refused(
        'bad',
        await csv('header.csv', 'a,b,c\n'),
        {},
        `Dataset source '${path.join(get().dir, 'header.csv')}' has no rows`,
      );
      await refused(
        'bad',
        await csv('header-only.csv', 'a,b,c'),
        {},
        `Dataset source '${path.join(get().dir, 'header-only.csv')}' has no rows`,
      );
      await refused(
        'bad',
        await csv('blank.csv', '\n\n'),
        {},
        `Dataset source '${path.join(get().dir, 'blank.csv')}' has no header row`,
      );
      await refused(
        'bad',
        await writeTemp(get().dir, 'blank.jsonl', '\n  \n'),
        {},
        `Dataset source '${path.join(get().dir, 'blank.jsonl')}' has no rows`,
      );
      await refused(
        'bad',
        Readable.from([]),
        { format: 'csv' },
        'Dataset source (csv stream) is empty: a CSV file needs a header row',
      );
    });

    it('refuses ragged CSV rows, naming the line', async () => {
      await refused(
        'bad',
        await csv('short.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n'),
        {},
        'Ragged CSV row at line 3: it has 2 fields but the header has 3 columns',
      );
      await refused(
        'bad',
        await csv('long.csv', 'a,b\n1,2\n3,4\n5,6,7\n'),
        {},
        'Ragged CSV row at line 4: it has 3 fields but the header has 2 columns',
      );
      await refused(
        'bad',
        await csv('first.csv', 'a,b\n1\n'),
        {},
        'Ragged CSV row at line 2: it has 1 field but the header has 2 columns',
      );
      await refused(
        'bad',
        await csv('multiline.csv', 'a,b\n"x\ny",1\n2\n'),
        {},
        'Ragged CSV row at line 4: it has 1 field but the header has 2 columns',
      );
    });

    it('refuses malformed CSV quoting and headers', async () => {
      await refused(
        'bad',
        await csv('open.csv', 'a,b\n1,"never closed\n2,3\n'),
        {},
        'Invalid CSV at line 2: a quoted field on this line is never closed',
      );
      await refused(
        'bad',
        await csv('open-later.csv', 'a,b\n1,2\n3,"4\n5,6\n7,8\n'),
        {},
        'Invalid CSV at line 3: a quoted field on this line is never closed',
      );
      await refused(
        'bad',
        await csv('inner.csv', 'a,b\n1,x"y\n'),
        {},
        'Invalid CSV at line 2: a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")',
      );
      await refused(
        'bad',
        await csv('after.csv', 'a,b\n1,"x"y\n'),
        {},
        'Invalid CSV at line 2: a quoted field continues after its closing quote (double a quote inside a quoted field: "a ""b"" c")',
      );
      await refused(
        'bad',
        await csv('dup.csv', 'a,b,a\n1,2,3\n'),
        {},
        `CSV header of '${path.join(get().dir, 'dup.csv')}' names column 'a' twice (columns 1 and 3); column names must be unique`,
      );
    });

    it('refuses malformed JSONL, naming the line', async () => {
      await refused(
        'bad',
        await writeTemp(get().dir, 'broken.jsonl', '{"a": 1}\n\n{"a": 2\n'),
        {},
        /^Invalid JSON at line 3: \S/,
      );
    });

    it('refuses JSONL lines that are not objects', async () => {
      await refused(
        'bad',
        await writeTemp(get().dir, 'array.jsonl', '{"a": 1}\n[1, 2]\n'),
        {},
        'Invalid JSONL at line 2: expected an object ({"column": value, ...}), found an array',
      );
      await refused(
        'bad',
        await writeTemp(get().dir, 'number.jsonl', '3\n'),
        {},
        'Invalid JSONL at line 1: expected an object ({"column": value, ...}), found a number',
      );
    });

    it('refuses a file that is not Parquet', async () => {
      const { datasets } = get();
      const error = await datasets.createDataset('bad', IRIS, { format: 'parquet' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as Error).message).toMatch(
        new RegExp(`^Dataset source '${IRIS}' is not a readable Parquet file: `),
      );
    });

    it('refuses unknown formats, missing files and bad names', async () => {
      await refused(
        'bad',
        await writeTemp(get().dir, 'data.txt', 'a\n1\n'),
        {},
        "Cannot tell the format of 'data.txt' from its extension: name it .csv, .jsonl or .parquet, or give the format",
      );
      await refused(
        'bad',
        IRIS,
        { format: 'xlsx' as 'csv' },
        "Unknown dataset format 'xlsx': use csv, jsonl or parquet",
      );
      await refused(
        'bad',
        fs.createReadStream(IRIS),
        {},
        'The dataset format (csv, jsonl or parquet) is required when the source is a stream',
      );
      await refused(
        'bad',
        path.join(get().dir, 'missing.csv'),
        {},
        `Dataset file '${path.join(get().dir, 'missing.csv')}' does not exist`,
      );
      await refused(
        'bad',
        get().dir + '/',
        { format: 'csv' },
        `Dataset source '${get().dir}/' is not a file`,
      );
      await expect(get().datasets.createDataset('', IRIS)).rejects.toThrow('Dataset name cannot be empty.');
      await expect(get().datasets.createDataset('a/b', IRIS)).rejects.toThrow(
        "Invalid dataset name 'a/b': names cannot contain '/'.",
      );
      await refused('bad', IRIS, { labelColumn: '' }, 'The label column name cannot be empty');
    });

    it('has written nothing at all', async () => {
      const { datasets, artifactsDir } = get();
      expect(await datasets.listDatasets()).toEqual([]);
      expect(await storedFiles(artifactsDir)).toEqual([]);
    });
  },
);
