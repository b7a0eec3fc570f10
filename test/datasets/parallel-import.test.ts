import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { ImportPhase } from '../../src/datasets/dataset-entities.js';
import { InvalidParameterError } from '../../src/errors/assay-error.js';
import { describeEachStore } from '../helpers/stores.js';
import {
  allRows,
  DATA,
  openDatasetsHarness,
  readCsvText,
  storedFiles,
  writeTemp,
} from './dataset-helpers.js';

const BIKE = path.join(DATA, 'bike_sharing/hour.csv');

/** CSV text with a header and `rows` rows from `row(i)`. */
function csvText(header: string, rows: number, row: (i: number) => string): string {
  return [header, ...Array.from({ length: rows }, (_, i) => row(i))].join('\n') + '\n';
}

describeEachStore(
  'parallel dataset import (worker threads over line-aligned ranges)',
  (store) => openDatasetsHarness(store),
  (get) => {
    it('stores the same file whether ranges are parsed by workers or on one thread', async () => {
      const { withTuning, artifactsDir, dir } = get();
      const serial = withTuning({ workers: 0, rangeBytes: 1 << 30, batchRows: 1000 });
      const parallel = withTuning({ workers: 2, rangeBytes: 32 << 10, batchRows: 1000 });
      const one = await serial.createDataset('bike-serial', BIKE, { labelColumn: 'cnt' });
      const stored = await fs.readFile(path.join(artifactsDir, one.dataset.artifactPath));
      // Its stored file gone, the same bytes are imported again (in parallel now) into the same path.
      await fs.rm(path.join(artifactsDir, one.dataset.artifactPath));
      const copy = await writeTemp(dir, 'hour-copy.csv', await fs.readFile(BIKE));
      const two = await parallel.createDataset('bike-parallel', copy, { labelColumn: 'cnt' });
      expect(two.dataset.schema).toEqual(one.dataset.schema);
      expect(two.dataset.rowCount).toBe(17_379);
      expect((await fs.readFile(path.join(artifactsDir, two.dataset.artifactPath))).equals(stored)).toBe(
        true,
      );
      const rows = await allRows(await parallel.openDatasetVersion('bike-parallel', 1), [
        'instant',
        'season',
      ]);
      expect(rows.map((r) => r.instant)).toEqual(Array.from({ length: 17_379 }, (_, i) => i + 1));
    });

    it('cuts ranges only between records: quoted line breaks stay inside their field', async () => {
      const { withTuning, dir } = get();
      const text = csvText('id,note,value', 3000, (i) =>
        i % 7 === 0 ? `${i},"line one\nline, two ""${i}""\n",${i / 4}` : `${i},plain ${i},${i / 4}`,
      );
      const file = await writeTemp(dir, 'quoted.csv', text);
      const parallel = withTuning({ workers: 2, rangeBytes: 1024, batchRows: 500 });
      const { dataset } = await parallel.createDataset('quoted', file);
      expect(dataset.rowCount).toBe(3000);
      const { records } = await readCsvText(file);
      const rows = await allRows(await parallel.openDatasetVersion('quoted', 1));
      expect(rows).toEqual(
        records.map(([id, note, value]) => ({ id: Number(id), note, value: Number(value) })),
      );
    });

    it('names the line of a ragged row found by a worker far into the file', async () => {
      const { withTuning, dir, artifactsDir } = get();
      const text = csvText('a,b,c', 5000, (i) => (i === 4321 ? '1,2' : `${i},${i},${i}`));
      const file = await writeTemp(dir, 'ragged-far.csv', text);
      const parallel = withTuning({ workers: 2, rangeBytes: 2048, batchRows: 256 });
      const before = await storedFiles(artifactsDir);
      const error = await parallel.createDataset('ragged-far', file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as Error).message).toBe(
        'Ragged CSV row at line 4323: it has 2 fields but the header has 3 columns',
      );
      expect(await storedFiles(artifactsDir)).toEqual(before);
    });

    it('reads the file again when a column turns out to be text far into it, keeping every value as written', async () => {
      const { withTuning, dir } = get();
      const text = csvText(
        'id,code,flag',
        6000,
        (i) =>
          `${i},${i === 5000 ? 'n/a' : i % 3 === 0 ? '1.50' : String(i)},${i === 5800 ? 'maybe' : i % 2 === 0 ? 'true' : 'False'}`,
      );
      for (const [i, [name, tuning]] of (
        [
          ['late-workers', { workers: 2, rangeBytes: 4096, batchRows: 256 }],
          ['late-serial', { workers: 0, batchRows: 256 }],
          // One batch, converted 4,096 rows at a time: the text arrives after numbers in the same batch.
          ['late-one-batch', { workers: 0, batchRows: 65_536 }],
        ] as const
      ).entries()) {
        // A file of its own each time: the same bytes would reuse the stored file, importing nothing.
        const file = await writeTemp(dir, `${name}.csv`, text + '\n'.repeat(i));
        const phases = new Set<ImportPhase>();
        const service = withTuning(tuning);
        const { dataset } = await service.createDataset(name, file, {
          onProgress: (_b, _t, phase) => phases.add(phase),
        });
        expect(dataset.schema.columns).toEqual([
          { name: 'id', type: 'float64', integer: true },
          { name: 'code', type: 'string' },
          { name: 'flag', type: 'string' },
        ]);
        // Without any batch to write first (one batch, mixed inside), nothing is reported as 'importing'.
        expect([...phases].filter((phase) => phase !== 'importing')).toEqual(['reading', 'reimporting']);
        const rows = await allRows(await service.openDatasetVersion(name, 1));
        expect(rows[3]).toEqual({ id: 3, code: '1.50', flag: 'False' });
        expect(rows[5000]).toEqual({ id: 5000, code: 'n/a', flag: 'true' });
        expect(rows[5800]).toEqual({ id: 5800, code: '5800', flag: 'maybe' });
        expect(rows[5801]).toEqual({ id: 5801, code: '5801', flag: 'False' });
      }
    });

    it('reads a JSONL file again when a key first appears far into it', async () => {
      const { withTuning, dir } = get();
      const lines = Array.from({ length: 2000 }, (_, i) =>
        JSON.stringify(i === 1500 ? { i, late: 'x' } : { i }),
      );
      const file = await writeTemp(dir, 'late-key.jsonl', lines.join('\n'));
      const service = withTuning({ workers: 2, rangeBytes: 2048, batchRows: 128 });
      const { dataset } = await service.createDataset('late-key', file);
      expect(dataset.schema.columns).toEqual([
        { name: 'i', type: 'float64', integer: true },
        { name: 'late', type: 'string' },
      ]);
      const rows = await allRows(await service.openDatasetVersion('late-key', 1));
      expect(rows[1500]).toEqual({ i: 1500, late: 'x' });
      expect(rows[1499]).toEqual({ i: 1499, late: null });
    });

    it('reports progress up to the whole file', async () => {
      const { withTuning } = get();
      const { dir } = get();
      const seen: [number, number | null, ImportPhase][] = [];
      const service = withTuning({ workers: 2, rangeBytes: 64 << 10 });
      // Bytes of its own: a file with the bytes of one stored before is not imported again.
      const file = await writeTemp(dir, 'hour-progress.csv', `${await fs.readFile(BIKE, 'utf8')}\r\n`);
      await service.createDataset('bike-progress', file, {
        onProgress: (bytes, total, phase) => seen.push([bytes, total, phase]),
      });
      const size = (await fs.stat(file)).size;
      const importing = seen.filter(([, , phase]) => phase === 'importing');
      expect(importing.length).toBeGreaterThan(1);
      expect(importing.at(-1)).toEqual([size, size, 'importing']);
      expect(importing.every(([bytes], i) => i === 0 || bytes >= (importing[i - 1]?.[0] ?? 0))).toBe(true);
      expect(seen.filter(([, , phase]) => phase === 'reading').at(-1)).toEqual([size, size, 'reading']);
    });
  },
);
