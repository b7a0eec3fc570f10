import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` (no extension) beside the module at
 * `callerUrl`. Compiled (dist/), that is `name.js`. Run from the TypeScript sources (tests, `tsx`
 * scripts), it is `name.ts`, which a worker thread can only load through tsx's loader: the thread
 * registers it first (Node 20 ignores `--import` in a worker's execArgv).
 */
export function startModuleWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const program = `import { register } from ${JSON.stringify(tsxLoader())}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(program)}`), options);
}

let loader: string | undefined;

function tsxLoader(): string {
  if (loader) return loader;
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const relative = manifest.exports['./esm/api']?.import?.default;
  if (!relative) throw new Error("tsx's package.json names no ESM entry for tsx/esm/api");
  loader = pathToFileURL(path.join(path.dirname(manifestPath), relative)).href;
  return loader;
}

/** How long a worker asked to stop may take before it is terminated. */
const STOP_GRACE_MS = 10_000;

/**
 * Stops a worker thread that holds onnxruntime at a point of its own choosing: `ask` posts it the
 * message on which it finishes what it was sent before, lets its session go and exits. It is
 * terminated only if it has not exited within `graceMs`. Terminated at once, it could be stopped
 * inside one of onnxruntime's native calls, whose N-API wrapper then throws a C++ exception that
 * nothing catches, and the whole process aborts ("terminate called after throwing an instance of
 * 'Napi::Error'": seen once in CI, a scoring thread terminated while it released its session).
 * Resolves once the thread has exited. Call it on a thread that has not exited yet.
 */
export async function stopWorker(worker: Worker, ask: () => void, graceMs = STOP_GRACE_MS): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Waited for: an unreferenced thread would let the process end before the thread does.
  worker.ref();
  ask();
  const timer = setTimeout(() => void worker.terminate(), graceMs);
  timer.unref();
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
