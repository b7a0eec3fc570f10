import type { BareKind } from './bare-process.js';
import type { Point } from './measure.js';
import { failures, int, latencyCells, ms, percent, type Report } from './report-format.js';

/** A bare server under point 2's load (`oneRow`) and point 3's (`few`). */
export interface Calibration {
  readonly oneRow: Point;
  readonly few: Point;
}

export type Calibrations = Readonly<Record<BareKind, Calibration>>;

/** The issue's figures, requests/s on its own machine, one-row KServe v2 JSON requests. */
const ISSUE = { bareNode: 83_000, batchingOff: 17_000, batchingOn: 42_000, target: 40_000 } as const;

/** A share of the issue's bare Node figure, as the issue's own ratio: `42,000 / 83,000 = 51%`. */
const issueShare = (requests: number): string =>
  `${int(requests)} / ${int(ISSUE.bareNode)} = ${Math.round((100 * requests) / ISSUE.bareNode)}%`;

/** `point`'s requests/s as a share of `bare`'s, the same load in the same run. */
export const shareOfBare = (point: Point, bare: Point): string =>
  percent(point.result.okPerSecond / bare.result.okPerSecond);

const LABELS: Readonly<Record<BareKind, string>> = {
  node: 'bare Node `http.createServer`',
  fastify: 'bare Fastify 5',
};

/** Section 0: the bare servers under the same load as points 2 and 3, and the issue's own figures. */
export function writeCalibration(
  report: Report,
  calibration: Calibrations,
  connections: { oneRow: number; few: number },
): void {
  report.line('### 0. Calibration: bare Node HTTP and bare Fastify under the same load');
  report.line();
  report.line(
    `Each in a process of its own, driven by the same load child with bc-wide-mlp's one-row KServe v2 JSON body, on the same path, at ${connections.oneRow} and ${connections.few} connections, right before points 2 and 3. ` +
      'Bare Node reads the whole body into one buffer and answers `{"ok":true}`, parsing nothing. ' +
      'Bare Fastify (the project\'s Fastify, the one `assay serve` runs on; no logger) has one POST route, parses the body with Fastify\'s default JSON parser and answers `{"ok":true}`.',
  );
  report.line();
  const rows = (['node', 'fastify'] as const).flatMap((kind) =>
    (['oneRow', 'few'] as const).map((load) => {
      const point = calibration[kind][load];
      return [
        LABELS[kind],
        int(connections[load]),
        int(point.result.okPerSecond),
        latencyCells(point.result.okLatency),
        failures(point.result),
        shareOfBare(point, calibration.node[load]),
      ];
    }),
  );
  report.table(
    [
      'server',
      'connections',
      'requests/s',
      'p50',
      'p99',
      'errors / non-2xx',
      "share of bare Node's requests/s",
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
  report.line(
    `The issue's figures, from another machine: bare Node HTTP ~${int(ISSUE.bareNode)} requests/s; a KServe v2 JSON server without batching ~${int(ISSUE.batchingOff)} (${issueShare(ISSUE.batchingOff)} of bare Node); with batching of what is queued ~${int(ISSUE.batchingOn)} (${issueShare(ISSUE.batchingOn)}, p99 3.2 ms); ` +
      `the target >= ${int(ISSUE.target)} (${issueShare(ISSUE.target)}). The "share of bare Node's requests/s" columns of points 2 and 3 read Assay against this run's bare Node at the same connections (the MLP's rows too, against the figure measured with bc-wide-mlp's body).`,
  );
  report.line();
}

/**
 * The line under a requests/s target: the issue's ratio to bare Node on its machine beside this
 * run's. A reading, not a verdict: the absolute target stays the verdict.
 */
export function likeForLike(title: string, point: Point, bare: Point, connections: number): string {
  const ours = `${int(point.result.okPerSecond)} / ${int(bare.result.okPerSecond)} = ${shareOfBare(point, bare)}`;
  return (
    `  - Like-for-like reading, not a verdict: on the issue's machine batching on answered ${issueShare(ISSUE.batchingOn)} of bare Node's requests/s, and the target is ${issueShare(ISSUE.target)}; ` +
    `in this run ${title} at ${connections} connections answered ${ours} of bare Node's requests/s at ${connections} connections (point 0)` +
    `, p50 ${ms(point.result.okLatency?.p50)} against bare Node's ${ms(bare.result.okLatency?.p50)}, p99 ${ms(point.result.okLatency?.p99)} against ${ms(bare.result.okLatency?.p99)}.`
  );
}
