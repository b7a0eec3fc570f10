import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { wrkLoad, wrkVersion } from './wrk-load.js';

const PROJECT = path.resolve(import.meta.dirname, '../..');
const BUILD = path.join(PROJECT, '.bench-build', 'serving');

/**
 * A child as plain JavaScript, so that each measuring process runs compiled code on plain Node, no
 * TypeScript loader hooked in (as bench/behavior does). Written where it reaches ../../dist and
 * node_modules as the source does.
 */
export function compile(name: string): string {
  const source = fs.readFileSync(path.join(import.meta.dirname, `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
  });
  const file = path.join(BUILD, `${name}.js`);
  fs.mkdirSync(BUILD, { recursive: true });
  fs.writeFileSync(file, outputText);
  return file;
}

const RUNTIME_CHILD = compile('runtime-child');
// Imported by both load children below, so compiled beside them.
compile('samples');
const LOAD_CHILD = compile('load-child');
const PACED_LOAD_CHILD = compile('paced-load-child');

/** Runs a compiled child to its end; its last line of output is its JSON result. */
function runChild<T>(file: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`${path.basename(file)} ${args[0] ?? ''} failed (${code}):\n${stderr}`));
        return;
      }
      const lines = stdout.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1] as string) as T);
    });
  });
}

export interface ModelFile {
  readonly name: string;
  readonly file: string;
  /** The probabilities output, for a model whose task Assay cannot tell from its outputs alone. */
  readonly probabilitiesOutput?: string;
}

/** Registers each model file into a fresh store in `dir`; the version of each, by name. */
export function registerModels(dir: string, models: readonly ModelFile[]): Promise<Record<string, number>> {
  return runChild(RUNTIME_CHILD, [
    'prepare',
    dir,
    ...models.map((m) =>
      [m.name, m.file, ...(m.probabilitiesOutput ? [m.probabilitiesOutput] : [])].join('='),
    ),
  ]);
}

export interface RawThroughput {
  readonly batch: number;
  readonly calls: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** onnxruntime alone on `file`, one thread, `seconds` at each batch size, in a fresh process. */
export async function rawThroughput(
  file: string,
  rowDims: readonly number[],
  seconds: number,
  batches: readonly number[],
): Promise<Map<number, RawThroughput>> {
  const results = await runChild<RawThroughput[]>(RUNTIME_CHILD, [
    'raw',
    file,
    rowDims.join(','),
    String(seconds),
    ...batches.map(String),
  ]);
  return new Map(results.map((result) => [result.batch, result]));
}

/** wrk's version when it is installed (closed-loop points then use it), else null. */
export const WRK = wrkVersion();

/**
 * One load point against the server, from a process of its own: at a fixed rate, the paced
 * open-loop child (paced-load-child.ts); closed-loop, wrk when installed (see wrk-load.ts for why),
 * else autocannon.
 */
export function load(spec: LoadSpec): Promise<LoadResult> {
  if (spec.overallRate !== undefined) return runChild(PACED_LOAD_CHILD, [JSON.stringify(spec)]);
  if (WRK !== null) return wrkLoad(spec);
  return runChild(LOAD_CHILD, [JSON.stringify(spec)]);
}
