/**
 * Evaluation throughput against onnxruntime's own, in one process and one run (issue 3's benchmark:
 * the runner must reach 80% of raw batched throughput). Not a test: run it by hand,
 *
 *   npx tsx test/runtime/runner-throughput.ts [--rows 1000000] [--chunk 1024] [--rounds 3] [--batch 65536]
 *
 * (a) raw: session.run on pre-built Float32Array [chunk, 30] tensors, fetching label and probabilities;
 * (b) runner: prepareRunner's run() on TableBatches of float64 columns (`--batch` rows each), fed to
 *     onnxruntime in chunks of the same size. Each batch is timed right after the raw chunks that cover
 *     its rows, so that both see the same
 *     machine. Reported: each round, and the totals over all rounds with their ratio.
 */
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import type { Column, TableBatch } from '../../src/datasets/dataset-table.js';
import { inspectModel } from '../../src/runtime/inspect-model.js';
import { prepareRunner, type ModelRunner } from '../../src/runtime/model-runner.js';
import { featureColumns, fixtureBytes, readFixtureCsv } from './support/fixture-tables.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    chunk: { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '65536' },
  },
});
const ROWS = Number(args.rows);
const CHUNK = Number(args.chunk);
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);

const bytes = fixtureBytes('breast_cancer', 'bc-wide-mlp.onnx');
const table = readFixtureCsv('breast_cancer', 'breast_cancer.csv');
const features = featureColumns(table);
const width = features.length;
// The dataset's real rows, repeated up to ROWS: realistic values for every feature.
const source = table.rows.map((row) => features.map((name) => Number(row[name])));
const valueAt = (row: number, feature: number): number =>
  (source[row % source.length] as number[])[feature] as number;

function rawChunks(): ort.Tensor[] {
  const chunks: ort.Tensor[] = [];
  for (let start = 0; start < ROWS; start += CHUNK) {
    const count = Math.min(CHUNK, ROWS - start);
    const data = new Float32Array(count * width);
    for (let i = 0; i < count; i += 1) {
      for (let f = 0; f < width; f += 1) data[i * width + f] = valueAt(start + i, f);
    }
    chunks.push(new ort.Tensor('float32', data, [count, width]));
  }
  return chunks;
}

function tableBatches(): TableBatch[] {
  const batches: TableBatch[] = [];
  for (let offset = 0; offset < ROWS; offset += BATCH) {
    const length = Math.min(BATCH, ROWS - offset);
    const columns = new Map<string, Column>();
    features.forEach((name, f) => {
      const values = new Float64Array(length);
      for (let i = 0; i < length; i += 1) values[i] = valueAt(offset + i, f);
      columns.set(name, { name, type: 'float64', values });
    });
    batches.push({ length, offset, columns });
  }
  return batches;
}

/**
 * One round: for each table batch, the raw chunks covering the same rows, then the runner on the
 * batch. Interleaving this finely lets both sides share whatever else the machine is doing.
 */
async function round(
  session: ort.InferenceSession,
  runner: ModelRunner,
  chunks: readonly ort.Tensor[],
  batches: readonly TableBatch[],
): Promise<{ raw: number; ours: number }> {
  let raw = 0;
  let ours = 0;
  let scored = 0;
  for (const batch of batches) {
    const first = batch.offset / CHUNK;
    const last = Math.ceil((batch.offset + batch.length) / CHUNK);
    let started = performance.now();
    for (let index = first; index < last; index += 1) {
      await session.run({ input: chunks[index] as ort.Tensor }, ['label', 'probabilities']);
    }
    raw += performance.now() - started;
    started = performance.now();
    scored += (await runner.run(batch)).length;
    ours += performance.now() - started;
  }
  if (scored !== ROWS) throw new Error(`scored ${scored} rows, expected ${ROWS}`);
  return { raw, ours };
}

async function main(): Promise<void> {
  if (BATCH % CHUNK !== 0) throw new Error('--batch must be a multiple of --chunk');
  const spec = await inspectModel(bytes);
  const chunks = rawChunks();
  const batches = tableBatches();
  const session = await ort.InferenceSession.create(bytes);
  const runner = await prepareRunner(bytes, spec, { defaultFeatureColumns: features, chunkRows: CHUNK });
  // Warm both up (allocator arenas, first-run kernel choices).
  await session.run({ input: chunks[0] as ort.Tensor });
  await runner.run(batches[0] as TableBatch);

  const raw: number[] = [];
  const ours: number[] = [];
  for (let index = 0; index < ROUNDS; index += 1) {
    const times = await round(session, runner, chunks, batches);
    raw.push(times.raw);
    ours.push(times.ours);
    console.log(
      `round ${index + 1}: raw ${rate(times.raw)} rows/s, runner ${rate(times.ours)} rows/s, ratio ${(times.raw / times.ours).toFixed(3)}`,
    );
  }
  const totalRaw = raw.reduce((sum, ms) => sum + ms, 0);
  const totalOurs = ours.reduce((sum, ms) => sum + ms, 0);
  console.log(
    JSON.stringify(
      {
        model: 'bc-wide-mlp.onnx',
        rows: ROWS,
        rounds: ROUNDS,
        chunk_rows: CHUNK,
        table_batch_rows: BATCH,
        raw_rows_per_s: Math.round((ROWS * ROUNDS * 1000) / totalRaw),
        runner_rows_per_s: Math.round((ROWS * ROUNDS * 1000) / totalOurs),
        ratio: Number((totalRaw / totalOurs).toFixed(3)),
      },
      null,
      1,
    ),
  );
  await runner.close();
  await session.release();
}

function rate(ms: number): string {
  return Math.round((ROWS * 1000) / ms).toLocaleString('en-US');
}

await main();
