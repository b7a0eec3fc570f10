import { percentile, runConcurrently, type JsonClient } from '../lib/http-client.js';

const API = '/api/2.0/mlflow';

interface CreatedRun {
  run: { info: { run_id: string } };
}

export async function createExperiment(client: JsonClient, name: string): Promise<string> {
  const created = (await client.post(`${API}/experiments/create`, JSON.stringify({ name }))) as {
    experiment_id: string;
  };
  return created.experiment_id;
}

async function createRun(client: JsonClient, experimentId: string, startTime: number): Promise<string> {
  const body = JSON.stringify({ experiment_id: experimentId, start_time: startTime, user_id: 'bench' });
  return ((await client.post(`${API}/runs/create`, body)) as CreatedRun).run.info.run_id;
}

/**
 * log-batch throughput: `clients` concurrent writers, each logging `batchesPerClient` batches of
 * 1,000 new points (10 keys x 100 steps) to its own run. Bodies are built before the clock starts.
 */
export async function logBatchThroughput(
  client: JsonClient,
  experimentId: string,
  clients: number,
  batchesPerClient: number,
): Promise<{ points: number; seconds: number; pointsPerSecond: number }> {
  const runs = await Promise.all(
    Array.from({ length: clients }, (_, i) => createRun(client, experimentId, i)),
  );
  const bodies = runs.map((runId) =>
    Array.from({ length: batchesPerClient }, (_, batch) =>
      JSON.stringify({
        run_id: runId,
        metrics: Array.from({ length: 1000 }, (_, i) => ({
          key: `metric_${i % 10}`,
          value: Math.random(),
          timestamp: 1_700_000_000_000 + batch,
          step: batch * 100 + Math.floor(i / 10),
        })),
      }),
    ),
  );
  const started = performance.now();
  await Promise.all(
    bodies.map(async (perClient) => {
      for (const body of perClient) await client.post(`${API}/runs/log-batch`, body);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const points = clients * batchesPerClient * 1000;
  return { points, seconds, pointsPerSecond: points / seconds };
}

const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad'];

/** The body of one log-batch: 10 params, 10 metrics and, for the search data set, 5 tags. */
function runDataBody(runId: string, index: number, withTags: boolean): string {
  const random = mulberry32(index);
  return JSON.stringify({
    run_id: runId,
    params: [
      { key: 'optimizer', value: OPTIMIZERS[index % OPTIMIZERS.length] },
      ...Array.from({ length: 9 }, (_, i) => ({
        key: `param_${i}`,
        value: String(Math.floor(random() * 1000)),
      })),
    ],
    metrics: [
      { key: 'acc', value: random(), timestamp: 1_700_000_000_000, step: 0 },
      ...Array.from({ length: 9 }, (_, i) => ({
        key: `metric_${i}`,
        value: random(),
        timestamp: 1_700_000_000_000,
        step: 0,
      })),
    ],
    tags: withTags
      ? Array.from({ length: 5 }, (_, i) => ({ key: `tag_${i}`, value: `value_${index % (i + 2)}` }))
      : [],
  });
}

/**
 * Creates `count` runs (runs/create + one log-batch of 10 params and 10 metrics, plus 5 tags when
 * `withTags`) with `clients` concurrent clients.
 */
export async function createRuns(
  client: JsonClient,
  experimentId: string,
  count: number,
  clients: number,
  options: { offset?: number; withTags?: boolean } = {},
): Promise<{ runs: number; seconds: number; runsPerSecond: number }> {
  const offset = options.offset ?? 0;
  const indices = Array.from({ length: count }, (_, i) => offset + i);
  const started = performance.now();
  await runConcurrently(indices, clients, async (index) => {
    const runId = await createRun(client, experimentId, 1_700_000_000_000 + index);
    await client.post(`${API}/runs/log-batch`, runDataBody(runId, index, options.withTags ?? false));
  });
  const seconds = (performance.now() - started) / 1000;
  return { runs: count, seconds, runsPerSecond: count / seconds };
}

/** Latency of the search, one request at a time. */
export async function searchLatency(
  client: JsonClient,
  experimentId: string,
  iterations: number,
): Promise<{ p50: number; p99: number; mean: number; results: number }> {
  const body = JSON.stringify({
    experiment_ids: [experimentId],
    filter: "metrics.acc > 0.5 and params.optimizer = 'adam'",
    order_by: ['metrics.acc DESC'],
    max_results: 100,
  });
  let results = 0;
  for (let i = 0; i < 5; i += 1) await client.post(`${API}/runs/search`, body);
  const timings: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    const response = (await client.post(`${API}/runs/search`, body)) as { runs?: unknown[] };
    timings.push(performance.now() - started);
    results = response.runs?.length ?? 0;
  }
  timings.sort((a, b) => a - b);
  return {
    p50: percentile(timings, 50),
    p99: percentile(timings, 99),
    mean: timings.reduce((sum, t) => sum + t, 0) / timings.length,
    results,
  };
}

/** Logs `points` points of one metric, then times reading the whole history page by page. */
export async function historyReadTime(
  client: JsonClient,
  experimentId: string,
  points: number,
): Promise<{ points: number; pages: number; seconds: number }> {
  const runId = await createRun(client, experimentId, 0);
  const batches = Array.from({ length: points / 1000 }, (_, batch) => batch);
  await runConcurrently(batches, 4, async (batch) => {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: 'loss',
      value: 1 / (batch * 1000 + i + 1),
      timestamp: 1_700_000_000_000,
      step: batch * 1000 + i,
    }));
    await client.post(`${API}/runs/log-batch`, JSON.stringify({ run_id: runId, metrics }));
  });
  const started = performance.now();
  let read = 0;
  let pages = 0;
  let token: string | undefined;
  do {
    const query = new URLSearchParams({
      run_uuid: runId,
      run_id: runId,
      metric_key: 'loss',
      max_results: '25000',
    });
    if (token) query.set('page_token', token);
    const page = (await client.get(`${API}/metrics/get-history?${query.toString()}`)) as {
      metrics?: unknown[];
      next_page_token?: string;
    };
    read += page.metrics?.length ?? 0;
    pages += 1;
    token = page.next_page_token;
  } while (token);
  const seconds = (performance.now() - started) / 1000;
  if (read !== points) throw new Error(`read ${read} points, expected ${points}`);
  return { points: read, pages, seconds };
}

/** A small deterministic PRNG so every benchmark run logs the same data. */
function mulberry32(seed: number): () => number {
  let a = seed + 0x6d2b79f5;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
