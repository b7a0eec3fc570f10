/**
 * One measurement of `npm run bench:behavior`, in a process of its own so that its memory figures
 * are its own. Runs the compiled dist/ (what users run), and is itself run compiled, from
 * .bench-build/behavior/ (run.ts compiles it). Prints one JSON line: the result.
 *
 *   child.ts import   DIR CSV          import a CSV into a fresh store in DIR
 *   child.ts prepare  DIR CSV MODEL N  import the rows, register N copies of MODEL and bc-mlp-v2
 *   child.ts raw      DIR MODEL CHUNK...  onnxruntime alone over the stored rows, at each call size
 *   child.ts evaluate DIR NAME VERSION    one evaluation, end to end
 *   child.ts warm     DIR MODEL NAME VERSION...  in one process: raw, then an evaluation, per version
 *   child.ts diff     DIR                 diff the stored 1M-row evaluations of bc-mlp-v2 and bc-wide-mlp
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import type * as ContextModule from '../../src/context.js';
import type * as RunnerModule from '../../src/runtime/model-runner.js';

const DIST = path.resolve(import.meta.dirname, '../../dist');
const { openAssay } = (await import(path.join(DIST, 'context.js'))) as typeof ContextModule;
const { DEFAULT_CHUNK_ROWS } = (await import(
  path.join(DIST, 'runtime/model-runner.js')
)) as typeof RunnerModule;

const MB = 1024 * 1024;
const rssMb = (): number => process.memoryUsage().rss / MB;
/** The process's peak resident set so far (the kernel's own high-water mark). */
const peakRssMb = (): number => (process.resourceUsage().maxRSS * 1024) / MB;

async function open(dir: string) {
  return openAssay({ store: `sqlite:${path.join(dir, 'assay.db')}`, artifacts: path.join(dir, 'artifacts') });
}

async function importCsv(dir: string, file: string): Promise<unknown> {
  const assay = await open(dir);
  const idle = rssMb();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { dataset } = await assay.datasets.createDataset('wide', file, {
    labelColumn: 'flag',
    idColumn: 'id',
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const result = {
    rows: dataset.rowCount,
    columns: dataset.schema.columns.length,
    bytes: fs.statSync(file).size,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    idleRssMb: idle,
    peakRssMb: peakRssMb(),
  };
  await assay.close();
  return result;
}

/** onnxruntime alone: the model over every row, `chunk` rows per call, inputs already in one array. */
async function rawThroughput(modelBytes: Uint8Array, features: Float32Array, width: number, chunk: number) {
  const session = await ort.InferenceSession.create(modelBytes);
  const rows = features.length / width;
  const input = session.inputNames[0] as string;
  const run = async (start: number, count: number) => {
    const data = features.subarray(start * width, (start + count) * width);
    await session.run({ [input]: new ort.Tensor('float32', data, [count, width]) });
  };
  await run(0, Math.min(chunk, rows)); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let start = 0; start < rows; start += chunk) await run(start, Math.min(chunk, rows - start));
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  await session.release();
  return { seconds, cpuSeconds, rowsPerSecond: rows / seconds };
}

/** CPU seconds of every thread of the process since `start`. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Imports the breast-cancer-shaped rows and registers `versions` copies of the model, plus bc-mlp-v2. */
async function prepare(dir: string, file: string, modelFile: string, versions: number): Promise<unknown> {
  const assay = await open(dir);
  const started = performance.now();
  const { dataset } = await assay.datasets.createDataset('bc1m', file, {
    labelColumn: 'target',
    idColumn: 'id',
  });
  const importSeconds = (performance.now() - started) / 1000;
  // All of the same file: every evaluation of them is the very same work.
  const actor = { actor: 'bench' };
  for (let version = 0; version < versions; version += 1) {
    await assay.modelRegistration.registerModelFile('wide', modelFile, actor);
  }
  await assay.modelRegistration.registerModelFile('small', smallModel(modelFile), actor);
  await assay.close();
  return { rows: dataset.rowCount, importSeconds };
}

function smallModel(modelFile: string): string {
  return path.join(path.dirname(modelFile), 'bc-mlp-v2.onnx');
}

/** The stored rows' features in one row-major float32 array, as the raw side takes them. */
async function storedFeatures(assay: Awaited<ReturnType<typeof open>>) {
  const version = await assay.datasets.openDatasetVersion('bc1m', 'latest');
  const names = version.info.schema.columns
    .map((c) => c.name)
    .filter((name) => name !== 'id' && name !== 'target');
  const width = names.length;
  const features = new Float32Array(version.info.rowCount * width);
  for await (const batch of version.batches({ columns: names })) {
    names.forEach((name, j) => {
      const values = batch.columns.get(name)?.values as Float64Array;
      for (let i = 0; i < batch.length; i += 1)
        features[(batch.offset + i) * width + j] = values[i] as number;
    });
  }
  return { features, width };
}

/** onnxruntime alone over the stored rows, already in one float32 array, at each call size (0: Assay's). */
async function raw(dir: string, modelFile: string, chunks: number[]): Promise<unknown> {
  const assay = await open(dir);
  const { features, width } = await storedFeatures(assay);
  await assay.close();
  const modelBytes = fs.readFileSync(modelFile);
  const results = [];
  for (const asked of chunks) {
    const chunk = asked === 0 ? DEFAULT_CHUNK_ROWS : asked; // 0: the call size evaluations use
    results.push({ chunk, ...(await rawThroughput(modelBytes, features, width, chunk)) });
  }
  return results;
}

/** One evaluation, end to end, in a fresh process (as `assay evaluate` runs it). */
async function evaluateOnce(dir: string, name: string, version: number): Promise<unknown> {
  const assay = await open(dir);
  return timedEvaluation(assay, name, version).finally(() => assay.close());
}

/**
 * Pairs in one long-lived process, as `assay server` runs evaluations: per version, raw
 * onnxruntime then a whole evaluation. The process's one-time costs (loading Arrow and the
 * evaluation code, compiling hot code) fall on the first pair only.
 */
async function warm(dir: string, modelFile: string, name: string, versions: number[]): Promise<unknown> {
  const assay = await open(dir);
  const { features, width } = await storedFeatures(assay);
  const modelBytes = fs.readFileSync(modelFile);
  const pairs = [];
  for (const version of versions) {
    const rawSide = await rawThroughput(modelBytes, features, width, DEFAULT_CHUNK_ROWS);
    pairs.push({ raw: rawSide, evaluation: await timedEvaluation(assay, name, version) });
  }
  await assay.close();
  return pairs;
}

async function timedEvaluation(assay: Awaited<ReturnType<typeof open>>, name: string, version: number) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { evaluation } = await assay.evaluations.evaluate({
    model: { name, version },
    dataset: { name: 'bc1m', version: 'latest' },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  return {
    seconds,
    cpuSeconds,
    rowsPerSecond: evaluation.rowCount / seconds,
    accuracy: evaluation.metrics.accuracy,
  };
}

async function diff(dir: string): Promise<unknown> {
  const assay = await open(dir);
  // Idle: the store open, every module loaded, nothing read yet.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idle = rssMb();
  const runs: { seconds: number; n: unknown; flipRate: unknown }[] = [];
  let peakAfterFirst = 0;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const result = await assay.diffs.diff({
      a: { name: 'small', version: 1 },
      b: { name: 'wide', version: 1 },
      dataset: { name: 'bc1m', version: 'latest' },
      top: 20,
    });
    runs.push({
      seconds: (performance.now() - started) / 1000,
      n: result.report.overall.n,
      flipRate: result.report.overall.flip_rate,
    });
    if (run === 0) peakAfterFirst = peakRssMb();
  }
  await assay.close();
  return { idleRssMb: idle, peakRssMbFirstRun: peakAfterFirst, peakRssMb: peakRssMb(), runs };
}

const [mode, dir, ...args] = process.argv.slice(2) as [string, string, ...string[]];
let result: unknown;
if (mode === 'import') result = await importCsv(dir, args[0] as string);
else if (mode === 'prepare')
  result = await prepare(dir, args[0] as string, args[1] as string, Number(args[2]));
else if (mode === 'raw') result = await raw(dir, args[0] as string, args.slice(1).map(Number));
else if (mode === 'evaluate') result = await evaluateOnce(dir, args[0] as string, Number(args[1]));
else if (mode === 'warm')
  result = await warm(dir, args[0] as string, args[1] as string, args.slice(2).map(Number));
else if (mode === 'diff') result = await diff(dir);
else throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(result));
