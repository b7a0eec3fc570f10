/**
 * `npm run bench:serving`: the serving targets of issue 4, over HTTP on 127.0.0.1 against real
 * `assay serve` processes (the built bin/assay.js), the load from autocannon in a process of its own,
 * onnxruntime alone and bare HTTP servers (the calibration points) measured in the same run.
 * Prints a Markdown report for docs/benchmarks.md.
 *
 *   ASSAY_BENCH_QUICK=1   every point 2 s instead of 10 (a smoke run; its numbers mean little)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMachine } from '../lib/machine.js';
import { sampleRss } from '../lib/server.js';
import { startBare, type BareKind } from './bare-process.js';
import type { Calibration } from './calibration-report.js';
import { BC_WIDE_MLP, IMAGE_MODELS, MODELS, OWN_MLP, type BenchModel } from './bench-models.js';
import { checkAnswer } from './check-answers.js';
import { rawThroughput, registerModels, type RawThroughput } from './children.js';
import { measure, storeRequest, type Point, type StoredRequest, type Timing } from './measure.js';
import { int } from './report-format.js';
import { writeReport, type Measurements, type OverloadPoint } from './report.js';
import { serveHasFlag, startServe, type ServeProcess } from './serve-process.js';

const QUICK = process.env.ASSAY_BENCH_QUICK === '1';
const TIMING: Timing = { seconds: QUICK ? 2 : 10, warmupSeconds: QUICK ? 0.5 : 1 };
/** onnxruntime alone, per batch size. */
const RAW_SECONDS = QUICK ? 1 : 3;
/** The load for one-row requests. */
const CONNECTIONS = 64;
/** The "8 connections" latency point. */
const FEW_CONNECTIONS = 8;
/** 1,000-row requests: enough in flight to keep decoding and inference overlapped. */
const LARGE_CONNECTIONS = 8;
/**
 * Overload: a small queue (one default batch) and four times the connections, so that requests
 * beyond what is queued and running are refused rather than held by a closed loop of 64 clients.
 */
const OVERLOAD_QUEUE = 64;
const OVERLOAD_CONNECTIONS = 256;
const ONE_ROW_MODELS: readonly BenchModel[] = [BC_WIDE_MLP, OWN_MLP];
/**
 * Prediction logging, when the build has it: every point runs with it off (`--log-sample-rate 0`),
 * and point 2 once more with it at its default, so that its cost shows apart. Without it, no
 * logging-on point is made up.
 */
const PREDICTION_LOGGING = serveHasFlag('--log-sample-rate');
const LOGGING_OFF = PREDICTION_LOGGING ? ['--log-sample-rate', '0'] : [];

const progress = (message: string): void => console.error(`(${message})`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-serving-'));
const store = `sqlite:${path.join(dir, 'assay.db')}`;
const artifacts = path.join(dir, 'artifacts');
const loadBefore = os.loadavg();

async function withServer<T>(
  models: readonly BenchModel[],
  flags: readonly string[],
  checks: readonly StoredRequest[],
  body: (server: ServeProcess) => Promise<T>,
): Promise<T> {
  const refs = models.map((model) => `${model.name}@${versions[model.name] as number}`);
  const server = await startServe(store, artifacts, refs, flags);
  try {
    for (const request of checks) await checkAnswer(server.url, request.model, request.rows, request);
    return await body(server);
  } finally {
    await server.stop();
  }
}

/**
 * The calibration points: a bare server of `kind` under point 2's and point 3's load (the same
 * request, connections and timing), so that `assay serve` can be read as a share of what HTTP alone
 * answers on this machine, as the targets were set on its own.
 */
async function calibrate(kind: BareKind, request: StoredRequest): Promise<Calibration> {
  const server = await startBare(kind);
  try {
    const response = await fetch(`${server.url}/v2/models/${request.model.name}/infer`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    const answer = await response.text();
    if (response.status !== 200)
      throw new Error(`bare ${kind} server answered ${response.status}: ${answer}`);
    progress(`calibration: bare ${kind}, one-row JSON, ${CONNECTIONS} connections`);
    const oneRow = await measure(server, request, CONNECTIONS, TIMING);
    progress(`calibration: bare ${kind}, one-row JSON, ${FEW_CONNECTIONS} connections`);
    const few = await measure(server, request, FEW_CONNECTIONS, TIMING);
    return { oneRow, few };
  } finally {
    await server.stop();
  }
}

const roundBatch = (mean: number | null | undefined): number | null =>
  mean === null || mean === undefined ? null : Math.max(1, Math.round(mean));

let versions: Record<string, number> = {};
try {
  versions = await registerModels(dir, MODELS);
  const oneRowRequests = ONE_ROW_MODELS.map((model) => storeRequest(dir, model, 1, 'json'));
  const largeJson = ONE_ROW_MODELS.map((model) => storeRequest(dir, model, 1000, 'json'));
  const largeBinary = ONE_ROW_MODELS.map((model) => storeRequest(dir, model, 1000, 'binary'));
  const images = IMAGE_MODELS.map((model) => storeRequest(dir, model, 1, 'binary'));

  // Right before points 2 and 3, on bc-wide-mlp's one-row body.
  const calibrationRequest = oneRowRequests.find((r) => r.model === BC_WIDE_MLP) as StoredRequest;
  const calibration = {
    node: await calibrate('node', calibrationRequest),
    fastify: await calibrate('fastify', calibrationRequest),
  };

  const batchingOn = new Map<string, Point>();
  const fewConnections = new Map<string, Point>();
  const large: { request: StoredRequest; point: Point }[] = [];
  const rssMain = { idle: 0, end: 0 };
  const imagesOn = new Map<string, Point>();
  await withServer(
    MODELS,
    LOGGING_OFF,
    [...oneRowRequests, ...largeJson, ...largeBinary, ...images],
    async (server) => {
      rssMain.idle = server.rssMb();
      for (const request of oneRowRequests) {
        progress(`${request.model.title}: one-row JSON, ${CONNECTIONS} connections, batching on`);
        batchingOn.set(request.model.name, await measure(server, request, CONNECTIONS, TIMING));
        progress(`${request.model.title}: one-row JSON, ${FEW_CONNECTIONS} connections`);
        fewConnections.set(request.model.name, await measure(server, request, FEW_CONNECTIONS, TIMING));
      }
      for (const request of [...largeJson, ...largeBinary]) {
        progress(`${request.model.title}: 1,000-row requests, ${request.headers['content-type']}`);
        large.push({ request, point: await measure(server, request, LARGE_CONNECTIONS, TIMING) });
      }
      for (const image of images) {
        progress(
          `${image.model.title}: one image per binary request, ${CONNECTIONS} connections, batching on`,
        );
        imagesOn.set(image.model.name, await measure(server, image, CONNECTIONS, TIMING));
      }
      rssMain.end = server.rssMb();
    },
  );

  const batchingOff = new Map<string, Point>();
  const imagesOff = new Map<string, Point>();
  await withServer(
    MODELS,
    ['--max-batch-size', '1', ...LOGGING_OFF],
    [...oneRowRequests, ...images],
    async (server) => {
      for (const request of oneRowRequests) {
        progress(`${request.model.title}: one-row JSON, ${CONNECTIONS} connections, batching off`);
        batchingOff.set(request.model.name, await measure(server, request, CONNECTIONS, TIMING));
      }
      for (const image of images) {
        progress(
          `${image.model.title}: one image per binary request, ${CONNECTIONS} connections, batching off`,
        );
        imagesOff.set(image.model.name, await measure(server, image, CONNECTIONS, TIMING));
      }
    },
  );

  const loggingOn = new Map<string, Point>();
  if (PREDICTION_LOGGING) {
    await withServer(ONE_ROW_MODELS, [], oneRowRequests, async (server) => {
      for (const request of oneRowRequests) {
        progress(
          `${request.model.title}: one-row JSON, ${CONNECTIONS} connections, batching on, prediction logging on`,
        );
        loggingOn.set(request.model.name, await measure(server, request, CONNECTIONS, TIMING));
      }
    });
  }

  // onnxruntime alone, with no server running: at the batch sizes and at the mean batch
  // sizes the servers ran (from their /metrics), so that each ratio compares like with like.
  const raw = new Map<string, Map<number, RawThroughput>>();
  for (const model of MODELS) {
    const image = IMAGE_MODELS.includes(model);
    const effective = image
      ? [imagesOn.get(model.name), imagesOff.get(model.name)]
      : [batchingOn.get(model.name), loggingOn.get(model.name)];
    const batches = new Set([1, 64, ...(image ? [] : [1000])]);
    for (const point of effective) {
      const batch = roundBatch((point as Point | null)?.meanBatch);
      if (batch !== null) batches.add(batch);
    }
    progress(`onnxruntime alone: ${model.title}, batches ${[...batches].join(', ')}`);
    raw.set(
      model.name,
      await rawThroughput(
        model.file,
        model.rowDims,
        RAW_SECONDS,
        [...batches].sort((a, b) => a - b),
      ),
    );
  }

  const overload = new Map<string, OverloadPoint>();
  await withServer(
    ONE_ROW_MODELS,
    ['--max-queue-size', String(OVERLOAD_QUEUE), ...LOGGING_OFF],
    oneRowRequests,
    async (server) => {
      for (const request of oneRowRequests) {
        const sustainable = batchingOn.get(request.model.name)?.result.okPerSecond ?? 0;
        const rate = Math.round(2 * sustainable);
        progress(
          `${request.model.title}: overload, ${int(rate)} requests/s offered on ${OVERLOAD_CONNECTIONS} connections`,
        );
        const idleRssMb = server.rssMb();
        const rss = sampleRss(server, 250);
        const point = await measure(server, request, OVERLOAD_CONNECTIONS, TIMING, rate);
        const samples = rss.stop().samples;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        overload.set(request.model.name, { point, rate, idleRssMb, samples, afterRssMb: server.rssMb() });
      }
    },
  );

  const measurements: Measurements = {
    quick: QUICK,
    timing: TIMING,
    rawSeconds: RAW_SECONDS,
    machine: describeMachine(),
    loadBefore,
    connections: { oneRow: CONNECTIONS, few: FEW_CONNECTIONS, large: LARGE_CONNECTIONS },
    overloadSettings: { queue: OVERLOAD_QUEUE, connections: OVERLOAD_CONNECTIONS },
    oneRowModels: ONE_ROW_MODELS,
    calibration,
    raw,
    batchingOn,
    batchingOff,
    loggingOn: PREDICTION_LOGGING ? loggingOn : null,
    fewConnections,
    large,
    images: IMAGE_MODELS.map((model) => ({
      model,
      on: imagesOn.get(model.name) ?? null,
      off: imagesOff.get(model.name) ?? null,
    })),
    overload,
    rssMain,
  };
  writeReport(measurements);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
