import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a range worker. Compiled (dist/), the worker is range-worker.js beside this file. Run from
 * the TypeScript sources (tests, `tsx` scripts), it is range-worker.ts, which a worker thread can
 * only load through tsx's loader: the thread registers it first (Node 20 ignores `--import` in a
 * worker's execArgv).
 */
export function startRangeWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./range-worker.js', here));
  const entry = new URL('./range-worker.ts', here).href;
  const program = `import { register } from ${JSON.stringify(tsxLoader())}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(program)}`));
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
