/**
 * `npm run bench:serving`: the serving targets of issue 4, over HTTP on 127.0.0.1 against real
 * `assay serve` processes (the built bin/assay.js), the load from wrk when installed (else autocannon
 * in a process of its own; see wrk-load.ts), onnxruntime alone and a bare HTTP server (the issue's
 * calibration points) measured in the same run, in rounds (see rounds.ts). Prints a Markdown report
 * for docs/benchmarks.md.
 *
 *   ASSAY_BENCH_QUICK=1   one round, every point 2 s instead of 10 (a smoke run; its numbers mean little)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMachine } from '../lib/machine.js';
import { sampleRss } from '../lib/server.js';
import type { BenchServer } from '../lib/server.js';
import { startBare, type BareKind } from './bare-process.js';
import { BC_WIDE_MLP, CIFAR_CNN, IMAGE_MODELS, MODELS, OWN_MLP, type BenchModel } from './bench-models.js';
import { checkAnswer } from './check-answers.js';
import { rawThroughput, registerModels, WRK, type RawThroughput } from './children.js';
import { measure, storeRequest, type Point, type StoredRequest, type Timing } from './measure.js';
import { int } from './report-format.js';
import { writeReport, type Measurements, type OverloadPoint } from './report.js';
import { RoundBook, type Repeated } from './rounds.js';
import { serveHasFlag, startServe, type ServeProcess } from './serve-process.js';

const QUICK = process.env.ASSAY_BENCH_QUICK === '1';
/** Rounds of every point a target is judged on (see rounds.ts). */
const ROUNDS = QUICK ? 1 : 3;
const TIMING: Timing = { seconds: QUICK ? 2 : 10, warmupSeconds: QUICK ? 0.5 : 1 };
/** Overload runs longer: whether memory stays flat shows only over more than a collector's cycle. */
const OVERLOAD_TIMING: Timing = { seconds: QUICK ? 3 : 30, warmupSeconds: TIMING.warmupSeconds };
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
/**
 * The CIFAR-sized CNN's overload queue: one batch of 16 images (its batch size under 64
 * connections), a few milliseconds of its inference on this machine. An operator sizes the queue
 * to the latency they can afford; this one is sized to the 4x of the unloaded p99.
 */
const IMAGE_OVERLOAD_QUEUE = 16;
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

/** Starts `assay serve` on `models` with `flags` and checks each of `checks` once against onnxruntime. */
async function startChecked(
  models: readonly BenchModel[],
  flags: readonly string[],
  checks: readonly StoredRequest[],
): Promise<ServeProcess> {
  const refs = models.map((model) => `${model.name}@${versions[model.name] as number}`);
  const server = await startServe(store, artifacts, refs, flags);
  try {
    for (const request of checks) await checkAnswer(server.url, request.model, request.rows, request);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function withServer<T>(
  models: readonly BenchModel[],
  flags: readonly string[],
  checks: readonly StoredRequest[],
  body: (server: ServeProcess) => Promise<T>,
): Promise<T> {
  const server = await startChecked(models, flags, checks);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** A bare server of `kind`, checked to answer 200 on `request`'s path. */
async function startCheckedBare(kind: BareKind, request: StoredRequest): Promise<BenchServer> {
  const server = await startBare(kind);
  const response = await fetch(`${server.url}/v2/models/${request.model.name}/infer`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const answer = await response.text();
  if (response.status !== 200) {
    await server.stop();
    throw new Error(`bare ${kind} server answered ${response.status}: ${answer}`);
  }
  return server;
}

const roundBatch = (mean: number | null | undefined): number | null =>
  mean === null || mean === undefined ? null : Math.max(1, Math.round(mean));

/** onnxruntime alone on `model` at one batch size, in a process of its own. */
async function rawAt(model: BenchModel, batch: number): Promise<RawThroughput> {
  const results = await rawThroughput(model.file, model.rowDims, RAW_SECONDS, [batch]);
  return results.get(batch) as RawThroughput;
}

let versions: Record<string, number> = {};
try {
  versions = await registerModels(dir, MODELS);
  const oneRowRequests = ONE_ROW_MODELS.map((model) => storeRequest(dir, model, 1, 'json'));
  const largeJson = ONE_ROW_MODELS.map((model) => storeRequest(dir, model, 1000, 'json'));
  const largeBinary = ONE_ROW_MODELS.map((model) => storeRequest(dir, model, 1000, 'binary'));
  const images = IMAGE_MODELS.map((model) => storeRequest(dir, model, 1, 'binary'));
  const cifarImage = images.find((image) => image.model === CIFAR_CNN) as StoredRequest;
  const calibrationRequest = oneRowRequests.find((r) => r.model === BC_WIDE_MLP) as StoredRequest;

  // Bare Fastify once: how much of bare Node's rate a framework keeps (no target is judged on it).
  const fastify = await startCheckedBare('fastify', calibrationRequest);
  let fastifyPoints: { oneRow: Point; few: Point };
  try {
    progress(`calibration: bare Fastify, one-row JSON, ${CONNECTIONS} and ${FEW_CONNECTIONS} connections`);
    fastifyPoints = {
      oneRow: await measure(fastify, calibrationRequest, CONNECTIONS, TIMING),
      few: await measure(fastify, calibrationRequest, FEW_CONNECTIONS, TIMING),
    };
  } finally {
    await fastify.stop();
  }

  // The rounds: bare Node, `assay serve` with prediction logging off and on, and onnxruntime alone,
  // each round measuring every point a target is judged on, next to what it is compared with.
  const book = new RoundBook();
  const rawRounds = new Map<string, RawThroughput[]>();
  const addRaw = (key: string, raw: RawThroughput): void => {
    rawRounds.set(key, [...(rawRounds.get(key) ?? []), raw]);
  };
  const largeJsonPoints: { request: StoredRequest; point: Point }[] = [];
  const rssMain = { idle: 0, end: 0 };
  const bare = await startCheckedBare('node', calibrationRequest);
  const main = await startChecked(MODELS, LOGGING_OFF, [
    ...oneRowRequests,
    ...largeJson,
    ...largeBinary,
    ...images,
  ]);
  const logging = PREDICTION_LOGGING ? await startChecked(ONE_ROW_MODELS, [], oneRowRequests) : null;
  try {
    rssMain.idle = main.rssMb();
    for (let round = 1; round <= ROUNDS; round += 1) {
      const step = (text: string): void => progress(`round ${round}/${ROUNDS}: ${text}`);
      step(`bare Node, one-row JSON, ${CONNECTIONS} connections`);
      book.add(`bare/${CONNECTIONS}`, await measure(bare, calibrationRequest, CONNECTIONS, TIMING));
      for (const request of oneRowRequests) {
        const name = request.model.name;
        step(`${request.model.title}: one-row JSON, ${CONNECTIONS} connections, batching on`);
        book.add(`on/${name}`, await measure(main, request, CONNECTIONS, TIMING));
        if (logging === null) continue;
        step(`${request.model.title}: the same, prediction logging on`);
        book.add(`logging/${name}`, await measure(logging, request, CONNECTIONS, TIMING));
      }
      step(`bare Node, one-row JSON, ${FEW_CONNECTIONS} connections`);
      book.add(`bare/${FEW_CONNECTIONS}`, await measure(bare, calibrationRequest, FEW_CONNECTIONS, TIMING));
      for (const request of oneRowRequests) {
        step(`${request.model.title}: one-row JSON, ${FEW_CONNECTIONS} connections`);
        book.add(`few/${request.model.name}`, await measure(main, request, FEW_CONNECTIONS, TIMING));
      }
      for (const request of largeBinary) {
        step(`${request.model.title}: 1,000-row binary requests, then onnxruntime alone at 1,000`);
        book.add(`large/${request.model.name}`, await measure(main, request, LARGE_CONNECTIONS, TIMING));
        addRaw(`large/${request.model.name}`, await rawAt(request.model, 1000));
      }
      for (const image of images) {
        step(
          `${image.model.title}: one image per request, ${CONNECTIONS} connections, then onnxruntime alone`,
        );
        const point = book.add(`images/${image.model.name}`, await measure(main, image, CONNECTIONS, TIMING));
        addRaw(`images/${image.model.name}`, await rawAt(image.model, roundBatch(point.meanBatch) ?? 64));
      }
      step(`${cifarImage.model.title}: one image per request, ${FEW_CONNECTIONS} connections`);
      book.add(`few/${cifarImage.model.name}`, await measure(main, cifarImage, FEW_CONNECTIONS, TIMING));
      if (round === 1) {
        // Far from the target (JSON text is the cost), so measured once.
        for (const request of largeJson) {
          step(`${request.model.title}: 1,000-row JSON requests`);
          largeJsonPoints.push({ request, point: await measure(main, request, LARGE_CONNECTIONS, TIMING) });
        }
      }
    }
    rssMain.end = main.rssMb();
  } finally {
    await Promise.all([bare.stop(), main.stop(), logging?.stop()]);
  }
  const must = (key: string): Repeated => {
    const found = book.get(key);
    if (found === null) throw new Error(`no rounds measured for ${key}`);
    return found;
  };
  const byModel = (prefix: string, models: readonly BenchModel[]): Map<string, Repeated> =>
    new Map(models.map((model) => [model.name, must(`${prefix}/${model.name}`)]));

  // Batching off: what batching buys, measured once (no target is judged on it).
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
        progress(`${image.model.title}: one image per request, ${CONNECTIONS} connections, batching off`);
        imagesOff.set(image.model.name, await measure(server, image, CONNECTIONS, TIMING));
      }
    },
  );

  // onnxruntime alone, with no server running, at the batch sizes and at every batch size
  // the servers ran at (from their /metrics): the reference table of point 1.
  const raw = new Map<string, Map<number, RawThroughput>>();
  for (const model of MODELS) {
    const image = IMAGE_MODELS.includes(model);
    const effective = image
      ? [...must(`images/${model.name}`).rounds, imagesOff.get(model.name)]
      : [...must(`on/${model.name}`).rounds, batchingOff.get(model.name)];
    const batches = new Set([1, 64, ...(image ? [] : [1000])]);
    for (const point of effective) {
      const batch = roundBatch(point?.meanBatch);
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

  // Overload: the one-row models at twice their rate (bounded by HTTP on this machine), and the
  // CIFAR-sized CNN at twice its rate (bounded by inference, which is what a queue bound is for).
  const overload = new Map<string, OverloadPoint>();
  const overloadPoint = async (server: ServeProcess, request: StoredRequest, sustainable: number) => {
    const rate = Math.round(2 * sustainable);
    progress(
      `${request.model.title}: overload, ${int(rate)} requests/s offered on ${OVERLOAD_CONNECTIONS} connections`,
    );
    const idleRssMb = server.rssMb();
    const rss = sampleRss(server, 250);
    const point = await measure(server, request, OVERLOAD_CONNECTIONS, OVERLOAD_TIMING, rate);
    const samples = rss.stop().samples;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    overload.set(request.model.name, { point, rate, idleRssMb, samples, afterRssMb: server.rssMb() });
  };
  await withServer(
    ONE_ROW_MODELS,
    ['--max-queue-size', String(OVERLOAD_QUEUE), ...LOGGING_OFF],
    oneRowRequests,
    async (server) => {
      for (const request of oneRowRequests) {
        await overloadPoint(server, request, must(`on/${request.model.name}`).median.result.okPerSecond);
      }
    },
  );
  await withServer(
    [CIFAR_CNN],
    ['--max-queue-size', String(IMAGE_OVERLOAD_QUEUE), ...LOGGING_OFF],
    [cifarImage],
    async (server) => {
      await overloadPoint(server, cifarImage, must(`images/${CIFAR_CNN.name}`).median.result.okPerSecond);
    },
  );

  const measurements: Measurements = {
    quick: QUICK,
    timing: TIMING,
    rawSeconds: RAW_SECONDS,
    rounds: ROUNDS,
    generator: WRK === null ? 'autocannon 9 (wrk is not installed)' : `${WRK}`,
    machine: describeMachine(),
    loadBefore,
    connections: { oneRow: CONNECTIONS, few: FEW_CONNECTIONS, large: LARGE_CONNECTIONS },
    overloadSettings: {
      queue: OVERLOAD_QUEUE,
      imageQueue: IMAGE_OVERLOAD_QUEUE,
      connections: OVERLOAD_CONNECTIONS,
      timing: OVERLOAD_TIMING,
    },
    oneRowModels: ONE_ROW_MODELS,
    calibration: {
      node: { oneRow: must(`bare/${CONNECTIONS}`), few: must(`bare/${FEW_CONNECTIONS}`) },
      fastify: fastifyPoints,
    },
    raw,
    batchingOn: byModel('on', ONE_ROW_MODELS),
    batchingOff,
    loggingOn: PREDICTION_LOGGING ? byModel('logging', ONE_ROW_MODELS) : null,
    fewConnections: byModel('few', [...ONE_ROW_MODELS, CIFAR_CNN]),
    largeBinary: largeBinary.map((request) => ({
      request,
      point: must(`large/${request.model.name}`),
      raw: rawRounds.get(`large/${request.model.name}`) ?? [],
    })),
    largeJson: largeJsonPoints,
    images: IMAGE_MODELS.map((model) => ({
      model,
      on: must(`images/${model.name}`),
      raw: rawRounds.get(`images/${model.name}`) ?? [],
      off: imagesOff.get(model.name) ?? null,
    })),
    overload,
    rssMain,
  };
  writeReport(measurements);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
