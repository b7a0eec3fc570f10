import type { BenchModel } from './bench-models.js';
import { MODELS } from './bench-models.js';
import { likeForLike, shareOfBare, writeCalibration, type Calibrations } from './calibration-report.js';
import type { RawThroughput } from './children.js';
import type { Point, StoredRequest, Timing } from './measure.js';
import { failures, int, latencyCells, ms, percent, Report, verdict } from './report-format.js';

export interface OverloadPoint {
  readonly point: Point;
  /** Requests/s asked of autocannon (`overallRate`): twice the sustainable rate. */
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
  readonly machine: string;
  readonly loadBefore: readonly number[];
  readonly connections: { oneRow: number; few: number; large: number };
  readonly overloadSettings: { queue: number; connections: number };
  readonly oneRowModels: readonly BenchModel[];
  /** Bare Node and bare Fastify under points 2 and 3's load, bc-wide-mlp's body. */
  readonly calibration: Calibrations;
  /** onnxruntime alone, by model name, then batch size. */
  readonly raw: ReadonlyMap<string, ReadonlyMap<number, RawThroughput>>;
  readonly batchingOn: ReadonlyMap<string, Point>;
  readonly batchingOff: ReadonlyMap<string, Point>;
  /** Point 2 with prediction logging on, when the build has it; null when it does not. */
  readonly loggingOn: ReadonlyMap<string, Point> | null;
  readonly fewConnections: ReadonlyMap<string, Point>;
  readonly large: readonly { request: StoredRequest; point: Point }[];
  /** One image per request, per image model. */
  readonly images: readonly { model: BenchModel; on: Point | null; off: Point | null }[];
  readonly overload: ReadonlyMap<string, OverloadPoint>;
  readonly rssMain: { idle: number; end: number };
}

/** Rows/s of onnxruntime alone at the batch size a point ran at (its rounded mean), or at `fallback`. */
function rawAt(m: Measurements, model: BenchModel, meanBatch: number | null, fallback: number) {
  const batch = meanBatch === null ? fallback : Math.max(1, Math.round(meanBatch));
  return { batch, raw: m.raw.get(model.name)?.get(batch) };
}

/** RSS under overload counts as flat when its peak in the run's second half is within this of the first half's. */
const FLAT_MB = 10;

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
    `One \`assay serve\` process per configuration on 127.0.0.1 (default batching; \`--max-batch-size 1\`; \`--max-queue-size ${m.overloadSettings.queue}\` for overload), serving bc-wide-mlp, the 32-256-256-10 MLP and the two CNNs. ` +
      `Load from autocannon 9 in a separate Node process (its API, the same pre-built body on every request), ${seconds}. ` +
      `**Client and server share the machine's ${m.machine.split(' ')[0]} cores**: the server's HTTP thread, its inference thread and the load generator compete for them. ` +
      "Latency is per response, first byte sent to last byte received, as the client saw it. Every request body was checked once before timing: 200, and every output equal to onnxruntime's on the same rows.",
  );
  report.line();

  writeCalibration(report, m.calibration, m.connections);
  const bareNode = m.calibration.node;

  // 1. onnxruntime alone
  report.line(
    `### 1. onnxruntime alone (onnxruntime-node, 1 intra-op thread, \`session.run\` in a loop for ${m.rawSeconds} s per batch size)`,
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

  // 2. One-row JSON, 64 connections, batching on vs off
  report.line(
    `### 2. One-row KServe v2 JSON requests, ${m.connections.oneRow} connections: batching on (defaults) vs off (\`--max-batch-size 1\`)`,
  );
  report.line();
  const oneRowTable: string[][] = [];
  for (const model of m.oneRowModels) {
    for (const [label, point, fallback] of [
      ['on', m.batchingOn.get(model.name), 64],
      ['off', m.batchingOff.get(model.name), 1],
      ['on, prediction logging on (its defaults)', m.loggingOn?.get(model.name), 64],
    ] as const) {
      if (!point) continue;
      const { batch, raw } = rawAt(m, model, point.meanBatch, fallback);
      oneRowTable.push([
        model.title,
        label,
        int(point.result.okPerSecond),
        shareOfBare(point, bareNode.oneRow),
        latencyCells(point.result.okLatency),
        failures(point.result),
        meanBatchCell(point),
        raw
          ? `${int(raw.rowsPerSecond)} rows/s at batch ${batch}: ${percent(point.result.okPerSecond / raw.rowsPerSecond)}`
          : 'n/a',
      ]);
    }
    const on = m.batchingOn.get(model.name);
    if (on) {
      targets.push(
        `- ${model.title}, one-row JSON, ${m.connections.oneRow} connections, batching on: ${int(on.result.okPerSecond)} requests/s against >= 40,000: ${verdict(on.result.okPerSecond >= 40_000)}; p99 ${ms(on.result.okLatency?.p99)} against <= 5 ms: ${verdict((on.result.okLatency?.p99 ?? Infinity) <= 5)}.`,
        likeForLike(model.title, on, bareNode.oneRow, m.connections.oneRow),
      );
    }
  }
  report.table(
    [
      'model',
      'batching',
      'requests/s',
      "share of bare Node's requests/s",
      'p50',
      'p99',
      'errors / non-2xx',
      'rows per model call',
      'onnxruntime alone at that batch size',
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    oneRowTable,
  );
  report.line(
    m.loggingOn === null
      ? 'Prediction logging does not exist in this build, so there is no logging-on point. The log is at its default level, `info`, which has no line for an answered inference request (those are at `debug`); it goes to /dev/null.'
      : 'Every point but the "prediction logging on" rows runs with `--log-sample-rate 0`. The log is at its default level, `info`, which has no line for an answered inference request (those are at `debug`); it goes to /dev/null.',
  );
  report.line();

  // 3. 8 connections
  report.line(`### 3. One-row KServe v2 JSON requests, ${m.connections.few} connections, batching on`);
  report.line();
  const fewTable = m.oneRowModels.flatMap((model) => {
    const point = m.fewConnections.get(model.name);
    if (!point) return [];
    targets.push(
      `- ${model.title}, ${m.connections.few} connections: p50 ${ms(point.result.okLatency?.p50)} against <= 0.5 ms: ${verdict((point.result.okLatency?.p50 ?? Infinity) <= 0.5)}.`,
      likeForLike(model.title, point, bareNode.few, m.connections.few),
    );
    return [
      [
        model.title,
        int(point.result.okPerSecond),
        shareOfBare(point, bareNode.few),
        latencyCells(point.result.okLatency),
        ms(point.result.okLatency?.p90),
        failures(point.result),
        meanBatchCell(point),
      ],
    ];
  });
  report.table(
    [
      'model',
      'requests/s',
      "share of bare Node's requests/s",
      'p50',
      'p99',
      'p90',
      'errors / non-2xx',
      'rows per model call',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    fewTable,
  );

  // 4. 1,000-row requests
  report.line(
    `### 4. 1,000-row requests, ${m.connections.large} connections (a request larger than the batch size runs alone)`,
  );
  report.line();
  const largeTable = m.large.map(({ request, point }) => {
    const format = request.headers['content-type'] === 'application/json' ? 'JSON' : 'binary (both ways)';
    const rowsPerSecond = point.result.okPerSecond * request.rowCount;
    const raw = m.raw.get(request.model.name)?.get(1000);
    const ratio = raw ? rowsPerSecond / raw.rowsPerSecond : Number.NaN;
    targets.push(
      `- ${request.model.title}, 1,000-row ${format} requests: ${percent(ratio)} of onnxruntime alone at batch 1,000, against >= 80%: ${verdict(ratio >= 0.8)}.`,
    );
    return [
      request.model.title,
      format,
      `${int(request.body.byteLength / 1024)} KiB`,
      int(point.result.okPerSecond),
      int(rowsPerSecond),
      latencyCells(point.result.okLatency),
      failures(point.result),
      raw ? int(raw.rowsPerSecond) : 'n/a',
      percent(ratio),
    ];
  });
  report.table(
    [
      'model',
      'format',
      'body',
      'requests/s',
      'rows/s',
      'p50',
      'p99',
      'errors / non-2xx',
      'onnxruntime rows/s at 1,000',
      'ratio',
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    largeTable,
  );

  // 5. CNNs over binary tensors
  for (const [index, { model, on, off }] of m.images.entries()) {
    const shape = model.rowDims.join('x');
    report.line(
      `### 5${String.fromCharCode(97 + index)}. ${model.title}, one ${shape} image per request as a binary tensor (binary answer), ${m.connections.oneRow} connections`,
    );
    report.line();
    const imageTable: string[][] = [];
    for (const [label, point, fallback] of [
      ['on', on, 64],
      ['off', off, 1],
    ] as const) {
      if (!point) continue;
      const { batch, raw } = rawAt(m, model, point.meanBatch, fallback);
      const ratio = raw ? point.result.okPerSecond / raw.rowsPerSecond : Number.NaN;
      imageTable.push([
        label,
        int(point.result.okPerSecond),
        latencyCells(point.result.okLatency),
        failures(point.result),
        meanBatchCell(point),
        raw ? `${int(raw.rowsPerSecond)} at batch ${batch}` : 'n/a',
        percent(ratio),
      ]);
      if (label === 'on') {
        const basis =
          point.meanBatch === null
            ? ' (the mean batch size was not observable: /metrics absent; compared at the largest batch, 64)'
            : '';
        targets.push(
          `- ${model.title}, batching on: ${percent(ratio)} of onnxruntime alone's images/s at the same batch size (${batch})${basis}, against >= 90%: ${verdict(ratio >= 0.9)}.`,
        );
      }
    }
    report.table(
      [
        'batching',
        'images/s',
        'p50',
        'p99',
        'errors / non-2xx',
        'images per model call',
        'onnxruntime alone, images/s',
        'ratio',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      imageTable,
    );
  }

  // 6. Overload
  report.line(
    `### 6. 2x overload: \`--max-queue-size ${m.overloadSettings.queue}\`, ${m.overloadSettings.connections} connections, autocannon \`overallRate\` at twice point 2's requests/s`,
  );
  report.line();
  const overloadTable: string[][] = [];
  const rssLines: string[] = [];
  for (const model of m.oneRowModels) {
    const over = m.overload.get(model.name);
    const few = m.fewConnections.get(model.name);
    const atCapacity = m.batchingOn.get(model.name);
    if (!over) continue;
    const result = over.point.result;
    const refused = result.statuses['503'] ?? 0;
    const admittedP99 = result.okLatency?.p99 ?? Infinity;
    const unloadedP99 = few?.result.okLatency?.p99 ?? Number.NaN;
    const half = Math.floor(over.samples.length / 2);
    const firstHalf = Math.max(...over.samples.slice(0, half));
    const secondHalf = Math.max(...over.samples.slice(half));
    const flat = secondHalf <= firstHalf + FLAT_MB;
    overloadTable.push([
      model.title,
      `${int(over.rate)} asked, ${int(result.sent / result.seconds)} sent`,
      int(result.okPerSecond),
      latencyCells(result.okLatency),
      `${(admittedP99 / unloadedP99).toFixed(1)}x (${ms(unloadedP99)})`,
      atCapacity ? `${(admittedP99 / (atCapacity.result.okLatency?.p99 ?? Number.NaN)).toFixed(1)}x` : 'n/a',
      `${percent(refused / Math.max(1, result.answered))} (p50 ${ms(result.otherLatency?.p50)}, p99 ${ms(result.otherLatency?.p99)})`,
      failures(result),
      `${int(over.idleRssMb)} -> ${int(Math.min(...over.samples))}-${int(Math.max(...over.samples))} -> ${int(over.afterRssMb)}`,
    ]);
    const series = over.samples.filter((_, i) => i % 4 === 3).map((mb) => int(mb));
    rssLines.push(`- ${model.title}: VmRSS each second (MB): ${series.join(', ')}.`);
    targets.push(
      `- ${model.title}, 2x overload: admitted p99 ${ms(admittedP99)} = ${(admittedP99 / unloadedP99).toFixed(1)}x the unloaded p99 (${m.connections.few} connections, point 3), against <= 4x: ${verdict(admittedP99 <= 4 * unloadedP99)}; ${percent(refused / Math.max(1, result.answered))} answered 503 (p99 ${ms(result.otherLatency?.p99)}); RSS ${flat ? 'flat' : 'growing'} (highest in the second half of the run ${int(secondHalf)} MB vs ${int(firstHalf)} MB in the first, flat = within ${FLAT_MB} MB): ${verdict(flat)}.`,
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
      'vs p99 at capacity (point 2)',
      '503 share (their latency)',
      'errors / non-2xx',
      'server RSS MB: idle -> during (min-max) -> after',
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    overloadTable,
  );
  for (const line of rssLines) report.line(line);
  report.line();
  report.line(
    `The main serve process's RSS: ${int(m.rssMain.idle)} MB idle after start, ${int(m.rssMain.end)} MB after points 2-5.`,
  );
  report.line();

  report.line('### Against the targets');
  report.line();
  for (const line of targets) report.line(line);
  report.line();
  report.line('Notes:');
  report.line();
  for (const note of notes(m)) report.line(`- ${note}`);
}

function notes(m: Measurements): string[] {
  const observed = [...m.batchingOn.values(), ...m.images.map((image) => image.on)].some(
    (point) => point?.meanBatch !== null && point !== null,
  );
  return [
    `Rows per model call come from the server's own /metrics (\`assay_inference_batch_size\` sum over count, the warm-up included)${observed ? '' : ': not available from this build, so the batching-on ratios compare against onnxruntime at batch 64 (the default maximum), the most favourable batch for the runtime'}; "onnxruntime alone at that batch size" is the raw run at the rounded mean, measured after the servers stopped.`,
    'autocannon\'s `overallRate` is enforced per connection per second: a connection sends as fast as it is answered until its share of the second is used, then waits; the offered load comes in bursts at the start of each second. "sent" counts requests written in the measured part.',
    'The CNNs take [N, 1, 28, 28] and [N, 3, 32, 32] float32 images; Assay registers them to serve only (no table feeds an image). The 28x28 one is so light (onnxruntime alone: tens of thousands of images/s) that HTTP bounds its throughput; the CIFAR-sized one (about 25 M multiply-adds per image) is bounded by inference, as served image models are.',
    'The MLP and the CNNs are registered as classifiers whose probabilities output is their softmax (no label output); bc-wide-mlp answers both its label and its probabilities.',
    m.loggingOn === null
      ? 'Prediction logging does not exist yet (this build of `assay serve` has no `--log-sample-rate`): no point measures it.'
      : 'Prediction logging: measured only in point 2\'s "prediction logging on" rows; no target is judged on them here.',
  ];
}
