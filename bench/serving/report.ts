import type { BenchModel } from './bench-models.js';
import { MODELS } from './bench-models.js';
import { likeForLike, shareOfBare, writeCalibration, type Calibrations } from './calibration-report.js';
import type { RawThroughput } from './children.js';
import type { Point, StoredRequest, Timing } from './measure.js';
import type { Latency } from './load-spec.js';
import { failures, int, latencyCells, ms, percent, Report, roundsCell, verdict } from './report-format.js';
import { median, pairedRatio, type Repeated } from './rounds.js';
import { FLAT_MB, rssFlatness } from './rss-flatness.js';

export interface OverloadPoint {
  readonly point: Point;
  /** Requests/s asked of the paced load: twice the sustainable rate. */
  readonly rate: number;
  readonly idleRssMb: number;
  /** The serve process's VmRSS every 250 ms over the warm-up and the point. */
  readonly samples: readonly number[];
  readonly afterRssMb: number;
}

export interface Measurements {
  readonly quick: boolean;
  readonly timing: Timing;
  readonly rawSeconds: number;
  /** Rounds of every point a target is judged on. */
  readonly rounds: number;
  /** What made the closed-loop load (overload points always use the paced child: they need a rate). */
  readonly generator: string;
  readonly machine: string;
  readonly loadBefore: readonly number[];
  readonly connections: { oneRow: number; few: number; large: number };
  readonly overloadSettings: { queue: number; imageQueue: number; connections: number; timing: Timing };
  readonly oneRowModels: readonly BenchModel[];
  /** Bare Node every round and bare Fastify once, under points 2 and 3's load, bc-wide-mlp's body. */
  readonly calibration: Calibrations;
  /** onnxruntime alone after the servers stopped, by model name, then batch size. */
  readonly raw: ReadonlyMap<string, ReadonlyMap<number, RawThroughput>>;
  readonly batchingOn: ReadonlyMap<string, Repeated>;
  readonly batchingOff: ReadonlyMap<string, Point>;
  /** Point 2 with prediction logging on, when the build has it; null when it does not. */
  readonly loggingOn: ReadonlyMap<string, Repeated> | null;
  /** The one-row models and the CIFAR-sized CNN at 8 connections. */
  readonly fewConnections: ReadonlyMap<string, Repeated>;
  /** 1,000-row binary requests, each round followed by onnxruntime alone at batch 1,000. */
  readonly largeBinary: readonly { request: StoredRequest; point: Repeated; raw: readonly RawThroughput[] }[];
  readonly largeJson: readonly { request: StoredRequest; point: Point }[];
  /** One image per request, each round followed by onnxruntime alone at that round's batch size. */
  readonly images: readonly {
    model: BenchModel;
    on: Repeated;
    raw: readonly RawThroughput[];
    off: Point | null;
  }[];
  readonly overload: ReadonlyMap<string, OverloadPoint>;
  readonly rssMain: { idle: number; end: number };
}

/** Rows/s of onnxruntime alone (point 1's table) at the batch size a point ran at (its rounded mean), or at `fallback`. */
function rawAt(m: Measurements, model: BenchModel, meanBatch: number | null, fallback: number) {
  const batch = meanBatch === null ? fallback : Math.max(1, Math.round(meanBatch));
  return { batch, raw: m.raw.get(model.name)?.get(batch) };
}

/** Each round's served rows/s over the same round's onnxruntime alone, and their median. */
function rawRatios(point: Repeated, raw: readonly RawThroughput[], rowsPerRequest: number) {
  const each = point.rounds.map((round, i) => {
    const alone = raw[i]?.rowsPerSecond ?? Number.NaN;
    return (round.result.okPerSecond * rowsPerRequest) / alone;
  });
  return { each, median: median(each) };
}

/** The median over rounds of one latency percentile. */
const medianLatency = (point: Repeated, pick: (latency: Latency) => number): number =>
  median(point.rounds.map((round) => (round.result.okLatency ? pick(round.result.okLatency) : Infinity)));

const meanBatchCell = (point: Point): string =>
  point.meanBatch === null ? 'n/a' : point.meanBatch.toFixed(1);

export function writeReport(m: Measurements): void {
  const report = new Report();
  const targets: string[] = [];
  const seconds = `${m.timing.seconds} s per point after ${m.timing.warmupSeconds} s of the same load unmeasured`;
  report.line(
    `Command: \`npm run bench:serving\`${m.quick ? ' (ASSAY_BENCH_QUICK=1: a smoke run, numbers not meaningful)' : ''}`,
  );
  report.line(
    `Machine: ${m.machine}; load average before ${m.loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  report.line();
  report.line(
    `\`assay serve\` processes on 127.0.0.1 (default batching with prediction logging off, \`--log-sample-rate 0\`; the same with it on; \`--max-batch-size 1\`; \`--max-queue-size\` for overload), serving bc-wide-mlp, the 32-256-256-10 MLP and the two CNNs. ` +
      `Closed-loop load from ${m.generator} (one thread, the same pre-built body on every request), ${seconds}; the overload points from an open-loop generator at a fixed rate in a Node process of its own (see the notes). ` +
      `**Client and server share the machine's ${m.machine.split(' ')[0]} cores**: the server's HTTP thread, its inference thread and the load generator compete for them. ` +
      "Latency is per response, first byte sent to last byte received, as the client saw it. Every request body was checked once before timing: 200, and every output equal to onnxruntime's on the same rows.",
  );
  report.line();
  report.line(
    `**Rounds.** This machine's speed drifts within minutes, so every point a target is judged on ran in ${m.rounds} round${m.rounds === 1 ? '' : 's'}, each round measuring it next to what it is compared with: bare Node right before the one-row points; onnxruntime alone (its own process, ${m.rawSeconds} s) right after each 1,000-row and image point, at that point's batch size. ` +
      "A point is read as its median round (one real measurement: its p50, p99 and batch size are that round's); a ratio is the median of each round's own ratio. Every round's requests/s is listed.",
  );
  report.line();

  writeCalibration(report, m.calibration, m.connections);
  const bareNode = m.calibration.node;

  // 1. onnxruntime alone
  report.line(
    `### 1. onnxruntime alone after the servers stopped (onnxruntime-node, 1 intra-op thread, \`session.run\` in a loop for ${m.rawSeconds} s per batch size)`,
  );
  report.line();
  const rawRows = [...m.raw.entries()].flatMap(([name, byBatch]) =>
    [...byBatch.values()].map((raw) => [
      MODELS.find((model) => model.name === name)?.title ?? name,
      int(raw.batch),
      `${int(raw.rowsPerSecond)} rows/s`,
      `${((1e6 * raw.seconds) / raw.calls).toFixed(1)} µs`,
    ]),
  );
  report.table(['model', 'batch', 'throughput', 'per call'], ['l', 'r', 'r', 'r'], rawRows);

  // 2. One-row JSON, 64 connections
  report.line(
    `### 2. One-row KServe v2 JSON requests, ${m.connections.oneRow} connections: batching on (defaults), with prediction logging off and on; batching off (\`--max-batch-size 1\`, once)`,
  );
  report.line();
  const oneRowTable: string[][] = [];
  const loggingLines: string[] = [];
  for (const model of m.oneRowModels) {
    const on = m.batchingOn.get(model.name);
    const logging = m.loggingOn?.get(model.name);
    for (const [label, repeatedPoint] of [
      ['on', on],
      ['on, prediction logging on (its defaults)', logging],
    ] as const) {
      if (!repeatedPoint) continue;
      const point = repeatedPoint.median;
      oneRowTable.push([
        model.title,
        label,
        int(point.result.okPerSecond),
        roundsCell(repeatedPoint),
        percent(shareOfBare(repeatedPoint, bareNode.oneRow)),
        latencyCells(point.result.okLatency),
        failures(point.result),
        meanBatchCell(point),
      ]);
    }
    const off = m.batchingOff.get(model.name);
    if (off) {
      const { batch, raw } = rawAt(m, model, off.meanBatch, 1);
      oneRowTable.push([
        model.title,
        'off',
        int(off.result.okPerSecond),
        'once',
        percent(off.result.okPerSecond / bareNode.oneRow.median.result.okPerSecond),
        latencyCells(off.result.okLatency),
        failures(off.result),
        `${meanBatchCell(off)} (onnxruntime alone at batch ${batch}: ${raw ? int(raw.rowsPerSecond) : 'n/a'} rows/s)`,
      ]);
    }
    if (on) {
      const p99 = medianLatency(on, (latency) => latency.p99);
      targets.push(
        `- ${model.title}, one-row JSON, ${m.connections.oneRow} connections, batching on: ${int(on.median.result.okPerSecond)} requests/s (median round) against >= 40,000: ${verdict(on.median.result.okPerSecond >= 40_000)}; p99 ${ms(p99)} (median over rounds) against <= 5 ms: ${verdict(p99 <= 5)}.`,
        likeForLike(model.title, on, bareNode.oneRow, m.connections.oneRow),
      );
    }
    if (on && logging) {
      const cost = pairedRatio(
        on,
        logging,
        (off_, on_) => 1 - on_.result.okPerSecond / off_.result.okPerSecond,
      );
      loggingLines.push(
        `- ${model.title}: logging cost ${percent(cost.median)} of requests/s (median of the rounds' ${cost.each.map(percent).join(', ')}).`,
      );
      targets.push(
        `- ${model.title}, prediction logging on: costs ${percent(cost.median)} of requests/s against logging off (median of each round's pair: ${cost.each.map(percent).join(', ')}), against <= 10%: ${verdict(cost.median <= 0.1)}.`,
      );
    }
  }
  report.table(
    [
      'model',
      'batching',
      'requests/s (median round)',
      'each round',
      "share of bare Node's requests/s",
      'p50',
      'p99',
      'errors / non-2xx',
      'rows per model call',
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    oneRowTable,
  );
  report.line(
    m.loggingOn === null
      ? 'Prediction logging does not exist in this build, so there is no logging-on point.'
      : "Prediction logging on and off run in two `assay serve` processes up at the same time, measured one right after the other in each round; the cost is one minus each round's requests/s with logging over without, and its median:",
  );
  report.line();
  for (const line of loggingLines) report.line(line);
  if (loggingLines.length > 0) report.line();
  report.line(
    'The server log is at its default level, `info`, which has no line for an answered inference request (those are at `debug`); it goes to /dev/null.',
  );
  report.line();

  // 3. 8 connections
  report.line(`### 3. ${m.connections.few} connections, batching on (the unloaded latency)`);
  report.line();
  const fewTable: string[][] = [];
  for (const [name, point] of m.fewConnections) {
    const model = MODELS.find((candidate) => candidate.name === name) as BenchModel;
    const oneRow = m.oneRowModels.includes(model);
    const p50 = medianLatency(point, (latency) => latency.p50);
    const p99 = medianLatency(point, (latency) => latency.p99);
    if (oneRow) {
      targets.push(
        `- ${model.title}, ${m.connections.few} connections: p50 ${ms(p50)} (median over rounds: ${point.rounds.map((round) => ms(round.result.okLatency?.p50)).join(', ')}) against <= 0.5 ms: ${verdict(p50 <= 0.5)}.`,
        likeForLike(model.title, point, bareNode.few, m.connections.few),
      );
    }
    fewTable.push([
      model.title,
      oneRow ? 'one-row JSON' : 'one image, binary',
      int(point.median.result.okPerSecond),
      roundsCell(point),
      oneRow ? percent(shareOfBare(point, bareNode.few)) : 'n/a',
      `${ms(p50)} (${point.rounds.map((round) => ms(round.result.okLatency?.p50)).join(', ')})`,
      `${ms(p99)} (${point.rounds.map((round) => ms(round.result.okLatency?.p99)).join(', ')})`,
      failures(point.median.result),
      meanBatchCell(point.median),
    ]);
  }
  report.table(
    [
      'model',
      'request',
      'requests/s (median round)',
      'each round',
      "share of bare Node's requests/s",
      'p50: median (each round)',
      'p99: median (each round)',
      'errors / non-2xx',
      'rows per model call',
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    fewTable,
  );

  // 4. 1,000-row requests
  report.line(
    `### 4. 1,000-row requests, ${m.connections.large} connections (a request larger than the batch size runs alone)`,
  );
  report.line();
  const largeTable: string[][] = [];
  for (const { request, point, raw } of m.largeBinary) {
    const ratio = rawRatios(point, raw, request.rowCount);
    largeTable.push([
      request.model.title,
      'binary (both ways)',
      `${int(request.body.byteLength / 1024)} KiB`,
      int(point.median.result.okPerSecond * request.rowCount),
      roundsCell(point),
      raw.map((alone) => int(alone.rowsPerSecond)).join(', '),
      `${percent(ratio.median)} (${ratio.each.map(percent).join(', ')})`,
      latencyCells(point.median.result.okLatency),
      failures(point.median.result),
    ]);
    targets.push(
      `- ${request.model.title}, 1,000-row binary requests: ${percent(ratio.median)} of onnxruntime alone at batch 1,000 (median of each round's ratio: ${ratio.each.map(percent).join(', ')}), against >= 80%: ${verdict(ratio.median >= 0.8)}.`,
    );
  }
  for (const { request, point } of m.largeJson) {
    const raw = m.raw.get(request.model.name)?.get(1000);
    const ratio = raw ? (point.result.okPerSecond * request.rowCount) / raw.rowsPerSecond : Number.NaN;
    largeTable.push([
      request.model.title,
      'JSON',
      `${int(request.body.byteLength / 1024)} KiB`,
      int(point.result.okPerSecond * request.rowCount),
      `${int(point.result.okPerSecond)} (once)`,
      raw ? `${int(raw.rowsPerSecond)} (point 1)` : 'n/a',
      percent(ratio),
      latencyCells(point.result.okLatency),
      failures(point.result),
    ]);
    targets.push(
      `- ${request.model.title}, 1,000-row JSON requests: ${percent(ratio)} of onnxruntime alone at batch 1,000 (point 1's run), against >= 80%: ${verdict(ratio >= 0.8)}.`,
    );
  }
  report.table(
    [
      'model',
      'format',
      'body',
      'rows/s (median round)',
      'requests/s, each round',
      'onnxruntime alone at 1,000, rows/s, each round',
      'ratio: median (each round)',
      'p50',
      'p99',
      'errors / non-2xx',
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    largeTable,
  );

  // 5. CNNs over binary tensors
  for (const [index, { model, on, raw, off }] of m.images.entries()) {
    const shape = model.rowDims.join('x');
    report.line(
      `### 5${String.fromCharCode(97 + index)}. ${model.title}, one ${shape} image per request as a binary tensor (binary answer), ${m.connections.oneRow} connections`,
    );
    report.line();
    const ratio = rawRatios(on, raw, 1);
    const imageTable: string[][] = [
      [
        'on',
        int(on.median.result.okPerSecond),
        roundsCell(on),
        on.rounds.map(meanBatchCell).join(', '),
        raw.map((alone) => `${int(alone.rowsPerSecond)} at ${alone.batch}`).join(', '),
        `${percent(ratio.median)} (${ratio.each.map(percent).join(', ')})`,
        latencyCells(on.median.result.okLatency),
        failures(on.median.result),
      ],
    ];
    targets.push(
      `- ${model.title}, batching on: ${percent(ratio.median)} of onnxruntime alone's images/s at the same batch size (median of each round's ratio: ${ratio.each.map(percent).join(', ')}), against >= 90%: ${verdict(ratio.median >= 0.9)}.`,
    );
    if (off) {
      const { batch, raw: alone } = rawAt(m, model, off.meanBatch, 1);
      imageTable.push([
        'off',
        int(off.result.okPerSecond),
        'once',
        meanBatchCell(off),
        alone ? `${int(alone.rowsPerSecond)} at ${batch} (point 1)` : 'n/a',
        alone ? percent(off.result.okPerSecond / alone.rowsPerSecond) : 'n/a',
        latencyCells(off.result.okLatency),
        failures(off.result),
      ]);
    }
    report.table(
      [
        'batching',
        'images/s (median round)',
        'each round',
        'images per model call, each round',
        'onnxruntime alone, images/s at that batch, each round',
        'ratio: median (each round)',
        'p50',
        'p99',
        'errors / non-2xx',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      imageTable,
    );
  }

  // 6. Overload
  report.line(
    `### 6. 2x overload, ${m.overloadSettings.timing.seconds} s after ${m.overloadSettings.timing.warmupSeconds} s unmeasured: open-loop load on ${m.overloadSettings.connections} connections at twice the model's median requests/s of point 2 (one-row models, \`--max-queue-size ${m.overloadSettings.queue}\`) or point 5 (the CIFAR-sized CNN, \`--max-queue-size ${m.overloadSettings.imageQueue}\`)`,
  );
  report.line();
  const overloadTable: string[][] = [];
  const rssLines: string[] = [];
  for (const [name, over] of m.overload) {
    const model = MODELS.find((candidate) => candidate.name === name) as BenchModel;
    const few = m.fewConnections.get(name);
    const result = over.point.result;
    const refused = result.statuses['503'] ?? 0;
    const admittedP99 = result.okLatency?.p99 ?? Infinity;
    const unloadedP99 = few ? medianLatency(few, (latency) => latency.p99) : Number.NaN;
    const thirds = rssFlatness(over.samples);
    const flat = thirds.flat;
    overloadTable.push([
      model.title,
      `${int(over.rate)} asked, ${int(result.sent / result.seconds)} sent (${percent((result.late ?? 0) / Math.max(1, result.sent))} late)`,
      int(result.okPerSecond),
      latencyCells(result.okLatency),
      `${(admittedP99 / unloadedP99).toFixed(1)}x (${ms(unloadedP99)})`,
      `${percent(refused / Math.max(1, result.answered))} (p50 ${ms(result.otherLatency?.p50)}, p99 ${ms(result.otherLatency?.p99)})`,
      failures(result),
      `${int(over.idleRssMb)} -> ${int(Math.min(...over.samples))}-${int(Math.max(...over.samples))} -> ${int(over.afterRssMb)}`,
    ]);
    const series = over.samples.filter((_, i) => i % 4 === 3).map((mb) => int(mb));
    rssLines.push(`- ${model.title}: VmRSS each second (MB): ${series.join(', ')}.`);
    targets.push(
      `- ${model.title}, 2x overload: admitted p99 ${ms(admittedP99)} = ${(admittedP99 / unloadedP99).toFixed(1)}x the unloaded p99 (${m.connections.few} connections, point 3, median over rounds), against <= 4x: ${verdict(admittedP99 <= 4 * unloadedP99)}; ${percent(refused / Math.max(1, result.answered))} answered 503 (p99 ${ms(result.otherLatency?.p99)}); RSS ${flat ? 'flat' : 'growing'} (highest in the last third of the run ${int(thirds.last)} MB vs ${int(thirds.middle)} MB in the middle third, flat = within ${FLAT_MB} MB): ${verdict(flat)}.`,
    );
  }
  report.table(
    [
      'model',
      'offered requests/s',
      'admitted/s',
      'admitted p50',
      'admitted p99',
      'vs unloaded p99 (point 3)',
      '503 share (their latency)',
      'errors / non-2xx',
      'server RSS MB: idle -> during (min-max) -> after',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    overloadTable,
  );
  for (const line of rssLines) report.line(line);
  report.line();
  report.line(
    `The main serve process's RSS: ${int(m.rssMain.idle)} MB idle after start, ${int(m.rssMain.end)} MB after the rounds.`,
  );
  report.line();

  report.line('### Against the targets');
  report.line();
  for (const line of targets) report.line(line);
  report.line();
  report.line('Notes:');
  report.line();
  for (const note of notes()) report.line(`- ${note}`);
}

function notes(): string[] {
  return [
    "Rows per model call come from the server's own /metrics (`assay_inference_batch_size` sum over count over the point and its warm-up).",
    'The overload load is open-loop (bench/serving/paced-load-child.ts): request k is due at start + k / rate whatever the answers before it did, sent on an idle connection of the 256. "sent" counts requests written in the measured part; "late" those sent more than 5 ms after they were due, because every connection was waiting for an answer or the generator itself fell behind (a Node process on the same two cores: at the one-row models\' rates it cannot send twice their rate, and their rows show what it could).',
    "The one-row models are bound by HTTP on this machine (onnxruntime alone runs them at hundreds of thousands of rows/s in batches): at twice their rate it is the HTTP thread that is overloaded; requests wait in the kernel's socket buffers and in the client's busy connections, where the model's queue bound does not reach. The CIFAR-sized CNN is bound by inference, which is what a bounded queue is for: its overload point is the one that tests it.",
    'The CNNs take [N, 1, 28, 28] and [N, 3, 32, 32] float32 images; Assay registers them to serve only (no table feeds an image). The 28x28 one is so light (onnxruntime alone: tens of thousands of images/s) that HTTP bounds its throughput; the CIFAR-sized one (about 25 M multiply-adds per image) is bounded by inference, as served image models are.',
    'The MLP and the CNNs are registered as classifiers whose probabilities output is their softmax (no label output); bc-wide-mlp answers both its label and its probabilities.',
  ];
}
