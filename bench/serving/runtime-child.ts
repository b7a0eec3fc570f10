/**
 * The onnxruntime side of `npm run bench:serving`, in a process of its own: run compiled from
 * .bench-build/serving/ on plain Node (children.ts compiles it), on the compiled dist/. Prints one
 * JSON line: the result.
 *
 *   runtime-child.js prepare DIR NAME=FILE[=PROBS]...  register each model file into a fresh store in DIR;
 *                                                     PROBS names the probabilities output of a model
 *                                                     whose task Assay cannot tell from its outputs
 *   runtime-child.js raw FILE DIMS SECONDS BATCH...  onnxruntime alone, 1 thread: rows/s at each batch size
 *
 * DIMS is one row's shape, comma-separated (`30`, `1,28,28`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as ContextModule from '../../src/context.js';
import type * as OnnxRuntimeModule from '../../src/runtime/onnxruntime.js';

const DIST = path.resolve(import.meta.dirname, '../../dist');

async function prepare(dir: string, models: string[]): Promise<unknown> {
  const { openAssay } = (await import(path.join(DIST, 'context.js'))) as typeof ContextModule;
  const assay = await openAssay({
    store: `sqlite:${path.join(dir, 'assay.db')}`,
    artifacts: path.join(dir, 'artifacts'),
  });
  const registered: Record<string, number> = {};
  try {
    for (const entry of models) {
      const [name, file, probabilities] = entry.split('=') as [string, string, string | undefined];
      const { version } = await assay.modelRegistration.registerModelFile(name, file, {
        actor: 'bench',
        ...(probabilities ? { task: 'classification', outputs: { probabilities } } : {}),
      });
      registered[name] = Number(version.version);
    }
  } finally {
    await assay.close();
  }
  return registered;
}

/**
 * onnxruntime alone, as Assay's inference threads create their sessions (one intra-op thread):
 * `session.run` on one batch of `batch` rows, again and again for `seconds`, the rows already in a
 * float32 array. Rows/s, and the mean time of one call.
 */
async function raw(file: string, rowDims: number[], seconds: number, batches: number[]): Promise<unknown> {
  const { ort } = (await import(path.join(DIST, 'runtime/onnxruntime.js'))) as typeof OnnxRuntimeModule;
  const session = await ort.InferenceSession.create(fs.readFileSync(file), { intraOpNumThreads: 1 });
  const input = session.inputNames[0] as string;
  const rowSize = rowDims.reduce((a, b) => a * b, 1);
  const results = [];
  for (const batch of batches) {
    const data = new Float32Array(batch * rowSize);
    for (let i = 0; i < data.length; i += 1) data[i] = ((i * 7919) % 1000) / 1000;
    const run = () => session.run({ [input]: new ort.Tensor('float32', data, [batch, ...rowDims]) });
    const warmUntil = performance.now() + Math.min(500, seconds * 200);
    while (performance.now() < warmUntil) await run();
    let calls = 0;
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until) {
      await run();
      calls += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    results.push({ batch, calls, seconds: elapsed, rowsPerSecond: (calls * batch) / elapsed });
  }
  await session.release();
  return results;
}

const [mode, ...args] = process.argv.slice(2) as [string, ...string[]];
let result: unknown;
if (mode === 'prepare') result = await prepare(args[0] as string, args.slice(1));
else if (mode === 'raw')
  result = await raw(
    args[0] as string,
    (args[1] as string).split(',').map(Number),
    Number(args[2]),
    args.slice(3).map(Number),
  );
else throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(result));
