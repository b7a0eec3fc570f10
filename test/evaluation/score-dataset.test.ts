import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetVersionInfo } from '../../src/datasets/dataset-entities.js';
import type { DatasetVersion, LeasedBatch } from '../../src/datasets/dataset-version.js';
import type { EvaluationOutputs } from '../../src/evaluation/evaluation-outputs.js';
import { scoreDataset } from '../../src/evaluation/score-dataset.js';
import { parseExpression } from '../../src/expression/expression-parser.js';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { prepareRunner, type ModelRunner } from '../../src/runtime/model-runner.js';
import { prepareParallelRunner } from '../../src/runtime/parallel/parallel-runner.js';
import {
  featureColumns,
  fixtureBytes,
  readFixtureCsv,
  tableBatch,
} from '../runtime/support/fixture-tables.js';

const table = readFixtureCsv('iris', 'iris.csv');
const BATCH_ROWS = 40;
/** Batches lent and released by irisVersion(), over all its scans. */
const leases = { lent: 0, released: 0 };

/**
 * Iris as stored batches of 40 rows, lent the way the store lends them: each batch's memory is
 * overwritten as soon as it is released, and must not be released before its rows are scored.
 */
function irisVersion(): DatasetVersion {
  const info = {
    name: 'iris',
    version: 1,
    rowCount: table.rows.length,
    labelColumn: 'target',
    idColumn: 'id',
    slices: [{ name: 'wide', predicate: 'petal_width >= 1.5' }],
    schema: {
      columns: table.header.map((name) => ({
        name,
        type: name === 'split' ? ('string' as const) : ('float64' as const),
      })),
    },
  } as unknown as DatasetVersionInfo;
  return {
    info,
    batches: () => {
      throw new Error('scoreDataset reads shared batches');
    },
    async *sharedBatches(): AsyncIterable<LeasedBatch> {
      for (let offset = 0; offset < table.rows.length; offset += BATCH_ROWS) {
        const batch = tableBatch(table.rows.slice(offset, offset + BATCH_ROWS), table.header, offset);
        let released = false;
        leases.lent += 1;
        yield {
          batch,
          release: () => {
            expect(released).toBe(false);
            released = true;
            leases.released += 1;
            for (const column of batch.columns.values()) {
              if (column.values instanceof Float64Array) column.values.fill(-1e6);
            }
          },
        };
      }
    },
    readRows: () => Promise.reject(new Error('not read by scoreDataset')),
  };
}

const runners: ModelRunner[] = [];
afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.close()));
});

async function scored(runner: ModelRunner, where: string | null, consecutive: boolean) {
  runners.push(runner);
  const collected: [number, number][] = [];
  const progress: number[] = [];
  const outputs = await scoreDataset(runner, irisVersion(), {
    onProgress: (done, total) => {
      expect(total).toBe(150);
      // Rows are done once their predictions are in: never ahead of what was collected.
      if (consecutive) expect(done).toBeLessThanOrEqual(collected.at(-1)?.[1] ?? 0);
      progress.push(done);
    },
    where: where === null ? null : parseExpression(where),
    // Fewer than a batch: predictions are collected while later batches are read.
    inFlightRows: 20,
    onCollected: async (_, from, to) => {
      collected.push([from, to]);
    },
  });
  // Every batch lent went back, each once (release() checks that), and only after its rows were scored.
  expect(leases.released).toBe(leases.lent);
  return { outputs, collected, progress };
}

function plain(outputs: EvaluationOutputs) {
  return {
    length: outputs.length,
    rows: Array.from(outputs.rows),
    truth: Array.from(outputs.truth ?? []),
    labels: Array.from(outputs.labels ?? []),
    probabilities: Array.from(outputs.probabilities ?? [], (p) => Number(p.toFixed(6))),
    slices: [...outputs.slices].map(([name, mask]) => [name, Array.from(mask)]),
  };
}

describe('scoring a dataset in pieces', () => {
  it.each([
    ['every row', null],
    ['rows a filter keeps', 'sepal_length > 5.5'],
    ['rows a filter keeps, none of the second batch', 'id < 40 or id >= 80'],
  ] as const)('gives what one session over whole batches gives: %s', async (_, where) => {
    const bytes = fixtureBytes('iris', 'iris-mlp-v2.onnx');
    const spec = await inspectModel(bytes);
    const options = { defaultFeatureColumns: featureColumns(table) };
    const single = await scored(await prepareRunner(bytes, spec, options), where, where === null);
    // Pieces of 7 rows: every batch is scored in several pieces, across both lanes.
    const runner = await prepareParallelRunner(bytes, spec, { ...options, workers: 1, dispatchRows: 7 });
    await runner.started;
    const pieces = await scored(runner, where, where === null);
    expect(runner.handedOut().workers).toBeGreaterThan(0);
    expect(plain(pieces.outputs)).toEqual(plain(single.outputs));
    expect(pieces.outputs.length).toBe(
      where === null
        ? 150
        : where.startsWith('id')
          ? 110
          : table.rows.filter((row) => Number(row.sepal_length) > 5.5).length,
    );
    // Row numbers, labels and slices are the dataset's own, though the batches were overwritten.
    const rows = Array.from(pieces.outputs.rows, (row) => table.rows[row] as Record<string, string>);
    expect(Array.from(pieces.outputs.truth ?? [])).toEqual(rows.map((row) => Number(row.target)));
    expect(Array.from(pieces.outputs.slices.get('wide') ?? [])).toEqual(
      rows.map((row) => (Number(row.petal_width) >= 1.5 ? 1 : 0)),
    );
    // The outputs file gets one record batch per dataset batch, in order, with nothing left out.
    expect(pieces.collected).toEqual(single.collected);
    // (A batch the filter leaves empty has no record batch.)
    expect(pieces.collected.length).toBe(where?.startsWith('id') ? 3 : Math.ceil(150 / BATCH_ROWS));
    pieces.collected.forEach(([from], i) => expect(from).toBe(i === 0 ? 0 : pieces.collected[i - 1]?.[1]));
    expect(pieces.collected.at(-1)?.[1]).toBe(pieces.outputs.length);
    // Progress counts dataset rows done, at batch ends, up to all of them (an empty batch is done
    // with the one before it, when that one's rows are still in flight).
    for (const { progress } of [single, pieces]) {
      expect(progress.at(-1)).toBe(150);
      progress.forEach((done, i) => {
        expect([40, 80, 120, 150]).toContain(done);
        if (i > 0) expect(done).toBeGreaterThan(progress[i - 1] as number);
      });
    }
    if (where === null) expect(pieces.progress).toEqual([40, 80, 120, 150]);
  });
});
