/**
 * `npm run bench:tracking`: the tracking targets of issue 2, over HTTP on 127.0.0.1 against a real
 * `assay server` process. Prints a Markdown report to paste into docs/benchmarks.md.
 *
 *   ASSAY_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test   also run log-batch on PostgreSQL
 *   ASSAY_BENCH_QUICK=1                                                    smaller sizes, for a smoke run
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { JsonClient } from '../lib/http-client.js';
import { describeMachine } from '../lib/machine.js';
import { sampleRss, startBenchServer, type BenchServer } from '../lib/server.js';
import {
  createExperiment,
  createRuns,
  historyReadTime,
  logBatchThroughput,
  searchLatency,
} from './scenarios.js';

const QUICK = process.env.ASSAY_BENCH_QUICK === '1';
const POSTGRES_URL = process.env.ASSAY_BENCH_POSTGRES_URL ?? '';
const CLIENTS = 8;
/**
 * Run creation is two small requests per run; with few clients the server idles between their
 * round trips, so the throughput row uses more.
 */
const RUN_CLIENTS = 64;

const lines: string[] = [];
const report = (line: string): void => {
  lines.push(line);
  console.log(line);
};

async function withServer<T>(
  store: string,
  body: (server: BenchServer, client: JsonClient) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-'));
  const server = await startBenchServer(store.replace('{dir}', dir), path.join(dir, 'artifacts'));
  const client = new JsonClient(server.url, RUN_CLIENTS);
  try {
    return await body(server, client);
  } finally {
    await client.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function sqliteSuite(): Promise<void> {
  await withServer('sqlite:{dir}/assay.db', async (server, client) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleBefore = server.rssMb();
    const rss = sampleRss(server);
    const phases: string[] = [`start ${idleBefore.toFixed(0)}`];
    const experiment = await createExperiment(client, 'bench');

    // Like-for-like with the issue's MLflow figures, which were measured one request at a time.
    const sequentialBatch = await logBatchThroughput(client, experiment, 1, QUICK ? 20 : 100);
    report(
      `| log-batch, 1 client, batches of 1,000 (MLflow 2.10.2: ~5,000-14,000 points/s) | ${fmt(sequentialBatch.pointsPerSecond)} points/s | |`,
    );
    const sequentialRuns = await createRuns(client, experiment, QUICK ? 200 : 1000, 1, { offset: 1_000_000 });
    report(
      `| create run + log-batch of 10 params and 10 metrics, 1 client, ${fmt(sequentialRuns.runs)} runs (MLflow 2.10.2: ~40 runs/s) | ${fmt(sequentialRuns.runsPerSecond)} runs/s | |`,
    );

    const batch = await logBatchThroughput(client, experiment, CLIENTS, QUICK ? 20 : 60);
    report(
      `| log-batch, ${CLIENTS} clients, batches of 1,000 | ${fmt(batch.pointsPerSecond)} points/s (${fmt(batch.points)} points in ${batch.seconds.toFixed(2)} s) | >= 200,000 points/s |`,
    );
    phases.push(`after log-batch ${server.rssMb().toFixed(0)}`);

    const created = await createRuns(client, experiment, QUICK ? 2000 : 10_000, RUN_CLIENTS, {
      offset: 2_000_000,
    });
    report(
      `| create run + log-batch of 10 params and 10 metrics, ${RUN_CLIENTS} clients | ${fmt(created.runsPerSecond)} runs/s (${fmt(created.runs)} runs in ${created.seconds.toFixed(1)} s) | >= 1,500 runs/s |`,
    );
    phases.push(`after ${fmt(created.runs)} runs ${server.rssMb().toFixed(0)}`);

    const search10k = await createExperiment(client, 'search-10k');
    const small10k = await createRuns(client, search10k, QUICK ? 2000 : 10_000, RUN_CLIENTS, {
      withTags: true,
    });
    report(
      `| (populating ${fmt(small10k.runs)} runs x (10 params, 10 metrics, 5 tags) for the next row) | ${fmt(small10k.runsPerSecond)} runs/s | |`,
    );
    const small = await searchLatency(client, search10k, QUICK ? 50 : 300);
    report(
      `| search ${fmt(small10k.runs)} runs: \`metrics.acc > 0.5 and params.optimizer = 'adam'\`, order by acc DESC, 100 results (MLflow 2.10.2: ~1.9 s) | p50 ${small.p50.toFixed(1)} ms, p99 ${small.p99.toFixed(1)} ms (mean ${small.mean.toFixed(1)} ms, ${small.results} runs returned) | p50 <= 20 ms, p99 <= 50 ms |`,
    );

    const search100k = await createExperiment(client, 'search-100k');
    const big = await createRuns(client, search100k, QUICK ? 10_000 : 100_000, RUN_CLIENTS, {
      withTags: true,
    });
    report(`| (populating ${fmt(big.runs)} runs for the next row) | ${fmt(big.runsPerSecond)} runs/s | |`);
    phases.push(`after ${fmt(big.runs)} more runs ${server.rssMb().toFixed(0)}`);
    const large = await searchLatency(client, search100k, QUICK ? 30 : 200);
    report(
      `| the same search over ${fmt(big.runs)} runs | p50 ${large.p50.toFixed(1)} ms, p99 ${large.p99.toFixed(1)} ms (mean ${large.mean.toFixed(1)} ms) | p50 <= 100 ms |`,
    );

    const history = await historyReadTime(client, experiment, QUICK ? 100_000 : 1_000_000);
    report(
      `| get-history, ${fmt(history.points)} points, all ${history.pages} pages of 25,000 | ${history.seconds.toFixed(2)} s | <= 2 s |`,
    );
    phases.push(`after get-history ${server.rssMb().toFixed(0)}`);

    // Memory over time: the same mixed workload again and again must not keep growing.
    const rounds: string[] = [];
    for (let round = 1; round <= (QUICK ? 2 : 10); round += 1) {
      await logBatchThroughput(client, experiment, CLIENTS, 20);
      await createRuns(client, experiment, 2000, RUN_CLIENTS, { offset: 3_000_000 + round * 10_000 });
      await searchLatency(client, search100k, 20);
      await historyReadTime(client, experiment, 200_000);
      rounds.push(server.rssMb().toFixed(0));
    }
    const during = rss.stop();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleAfter = server.rssMb();
    phases.push(`idle at end ${idleAfter.toFixed(0)}`);
    report(
      `| server RSS (MB) | idle at start ${idleBefore.toFixed(0)}; by phase: ${phases.join(', ')}; highest ${during.max.toFixed(0)} | idle < 150 MB |`,
    );
    report(
      `| server RSS after each of ${rounds.length} rounds of the same mixed load (log-batch 160,000 points, 2,000 runs, 20 searches, 200,000-point history) (MB) | ${rounds.join(', ')} | flat |`,
    );
  });
}

async function postgresSuite(): Promise<void> {
  const name = `assay_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    await withServer(url.toString(), async (server, client) => {
      const rss = sampleRss(server);
      const experiment = await createExperiment(client, 'bench');
      const batch = await logBatchThroughput(client, experiment, CLIENTS, QUICK ? 10 : 40);
      report(
        `| PostgreSQL: log-batch, ${CLIENTS} clients, batches of 1,000 | ${fmt(batch.pointsPerSecond)} points/s (${fmt(batch.points)} points in ${batch.seconds.toFixed(2)} s) | >= 50,000 points/s |`,
      );
      const search10k = await createExperiment(client, 'search-10k');
      const created = await createRuns(client, search10k, QUICK ? 2000 : 10_000, CLIENTS);
      report(
        `| PostgreSQL: create run + log-batch, ${CLIENTS} clients | ${fmt(created.runsPerSecond)} runs/s | (no target) |`,
      );
      const small = await searchLatency(client, search10k, QUICK ? 50 : 300);
      report(
        `| PostgreSQL: search over ${fmt(created.runs)} runs | p50 ${small.p50.toFixed(1)} ms, p99 ${small.p99.toFixed(1)} ms | (no target) |`,
      );
      const during = rss.stop();
      report(
        `| PostgreSQL: server RSS during the run | ${during.min.toFixed(0)}-${during.max.toFixed(0)} MB | |`,
      );
    });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

report(`Machine: ${describeMachine()}`);
report(
  `Command: npm run bench:tracking${QUICK ? ' (ASSAY_BENCH_QUICK=1)' : ''}${POSTGRES_URL ? ` with ASSAY_BENCH_POSTGRES_URL=${POSTGRES_URL}` : ''}`,
);
report('');
report('| measurement | Assay | target |');
report('|---|---|---|');
await sqliteSuite();
if (POSTGRES_URL) await postgresSuite();
