/**
 * Dataset import benchmark (a script, not a test): generates a CSV of 1,000,000 rows x 30 columns
 * (~200 MB: an integer id, 24 decimals, 3 integers, a category, a bool) in a temporary directory,
 * then imports it into a fresh SQLite store in a child process of its own (so that its peak RSS is
 * the import's, not the generator's), printing wall time, CPU time (all threads) and peak RSS, and
 * reading every row back.
 *
 *   npx tsx test/datasets/import-benchmark.ts [--rows 1000000] [--workers N] [--quoted]
 *
 * The target: the import in under 10 s, in bounded memory (peak RSS does not grow with
 * the file: try --rows 2000000). --quoted quotes the category column, which sends every range
 * through csv-parse instead of the quote-free splitter.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import { DatasetsService } from '../../src/datasets/datasets-service.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);

/** Writes the CSV with a fixed-seed generator, 10,000 rows per write. */
async function generate(file: string, rows: number, quoted: boolean): Promise<void> {
  const out = fs.createWriteStream(file);
  const header = ['id', ...Array.from({ length: 24 }, (_, i) => `f${i}`), 'n1', 'n2', 'n3', 'color', 'flag'];
  out.write(`${header.join(',')}\n`);
  let seed = 1;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const colors = ['red', 'green', 'blue', 'yellow'].map((color) => (quoted ? `"${color}"` : color));
  let lines: string[] = [];
  for (let row = 0; row < rows; row++) {
    const fields = [String(row)];
    for (let i = 0; i < 24; i++) fields.push((random() * 100 - 50).toFixed(3));
    fields.push(
      String(Math.floor(random() * 1000)),
      String(Math.floor(random() * 10)),
      String(Math.floor(random() * 100_000)),
    );
    fields.push(colors[Math.floor(random() * 4)] as string, random() < 0.5 ? 'true' : 'false');
    lines.push(fields.join(','));
    if (lines.length === 10_000 || row === rows - 1) {
      if (!out.write(`${lines.join('\n')}\n`))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      lines = [];
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** The child: imports `file` into a store under `dir` and reports. */
async function importAndReport(dir: string, file: string): Promise<void> {
  const workers = option('workers');
  const database = openDatabase(`sqlite:${path.join(dir, 'assay.db')}`);
  await migrateToLatest(database);
  const datasets = new DatasetsService(database, new LocalArtifactStore(path.join(dir, 'artifacts')), {
    tuning: workers === undefined ? {} : { workers: Number(workers) },
  });
  const size = fs.statSync(file).size;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { dataset } = await datasets.createDataset('wide', file, { labelColumn: 'flag', idColumn: 'id' });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  const stored = fs.statSync(path.join(dir, 'artifacts', dataset.artifactPath)).size;
  console.log(
    `Import: ${seconds.toFixed(2)} s (${(size / 1e6 / seconds).toFixed(0)} MB/s), CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s over all threads, ` +
      `${dataset.rowCount.toLocaleString('en')} rows, Arrow file ${mb(stored)} MB`,
  );
  console.log(
    `Memory: RSS ${mb(rssBefore)} MB before the import (modules loaded), peak ${mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024))} MB`,
  );
  const integers = dataset.schema.columns.filter((column) => column.integer).length;
  const kinds = dataset.schema.columns.map((column) => column.type);
  console.log(
    `Types: ${kinds.filter((k) => k === 'float64').length} float64 (${integers} integer), ${kinds.filter((k) => k === 'string').length} string, ${kinds.filter((k) => k === 'bool').length} bool`,
  );
  const readStarted = performance.now();
  let read = 0;
  for await (const batch of (await datasets.openDatasetVersion('wide', 1)).batches()) read += batch.length;
  console.log(
    `Read back ${read.toLocaleString('en')} rows (all columns) in ${((performance.now() - readStarted) / 1000).toFixed(2)} s`,
  );
  await database.close();
}

const child = option('import-into');
if (child !== undefined) {
  await importAndReport(child, option('file') ?? '');
} else {
  const rows = Number(option('rows') ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-import-bench-'));
  try {
    const file = path.join(dir, 'wide.csv');
    console.log(
      `Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, ${mb(os.totalmem())} MB RAM, Node ${process.version}`,
    );
    console.log(
      `Load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const started = performance.now();
    await generate(file, rows, process.argv.includes('--quoted'));
    console.log(
      `Generated ${rows.toLocaleString('en')} rows x 30 columns${process.argv.includes('--quoted') ? ' (quoted category)' : ''}, ` +
        `${mb(fs.statSync(file).size)} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const args = [...process.execArgv, process.argv[1] ?? '', '--import-into', dir, '--file', file];
    const workers = option('workers');
    if (workers !== undefined) args.push('--workers', workers);
    const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (result.status !== 0) process.exitCode = result.status ?? 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
