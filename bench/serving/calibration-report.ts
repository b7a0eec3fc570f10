import type { Point } from './measure.js';
import { failures, int, latencyCells, ms, percent, roundsCell, type Report } from './report-format.js';
import { pairedRatio, type Repeated } from './rounds.js';

/** Bare Node in every round under point 2's load (`oneRow`) and point 3's (`few`); bare Fastify once. */
export interface Calibrations {
  readonly node: { readonly oneRow: Repeated; readonly few: Repeated };
  readonly fastify: { readonly oneRow: Point; readonly few: Point };
}

/** The issue's figures, requests/s on its own machine, one-row KServe v2 JSON requests. */
const ISSUE = { bareNode: 83_000, batchingOff: 17_000, batchingOn: 42_000, target: 40_000 } as const;

/** A share of the issue's bare Node figure, as the issue's own ratio: `42,000 / 83,000 = 51%`. */
const issueShare = (requests: number): string =>
  `${int(requests)} / ${int(ISSUE.bareNode)} = ${Math.round((100 * requests) / ISSUE.bareNode)}%`;

/** `point`'s requests/s as a share of bare Node's in the same round: the median round's share. */
export const shareOfBare = (point: Repeated, bare: Repeated): number => pairedRatio(point, bare).median;

/** Section 0: the bare servers under the same load as points 2 and 3, and the issue's own figures. */
export function writeCalibration(
  report: Report,
  calibration: Calibrations,
  connections: { oneRow: number; few: number },
): void {
  report.line('### 0. Calibration: bare Node HTTP (every round) and bare Fastify (once) under the same load');
  report.line();
  report.line(
    `Each in a process of its own, driven by the same load with bc-wide-mlp's one-row KServe v2 JSON body, on the same path, at ${connections.oneRow} and ${connections.few} connections. ` +
      'Bare Node reads the whole body into one buffer and answers `{"ok":true}`, parsing nothing; it runs in every round, right before the points it is compared with. ' +
      'Bare Fastify (the project\'s Fastify, the one `assay serve` runs on; no logger) has one POST route, parses the body with Fastify\'s default JSON parser and answers `{"ok":true}`; it runs once, before the rounds.',
  );
  report.line();
  const node = calibration.node;
  const fastify = calibration.fastify;
  const rows = [
    ...(['oneRow', 'few'] as const).map((load) => [
      'bare Node `http.createServer`',
      int(connections[load]),
      int(node[load].median.result.okPerSecond),
      roundsCell(node[load]),
      latencyCells(node[load].median.result.okLatency),
      failures(node[load].median.result),
    ]),
    ...(['oneRow', 'few'] as const).map((load) => [
      'bare Fastify 5',
      int(connections[load]),
      int(fastify[load].result.okPerSecond),
      'once',
      latencyCells(fastify[load].result.okLatency),
      failures(fastify[load].result),
    ]),
  ];
  report.table(
    ['server', 'connections', 'requests/s (median round)', 'each round', 'p50', 'p99', 'errors / non-2xx'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
  report.line(
    `The issue's figures, from another machine: bare Node HTTP ~${int(ISSUE.bareNode)} requests/s; a KServe v2 JSON server without batching ~${int(ISSUE.batchingOff)} (${issueShare(ISSUE.batchingOff)} of bare Node); with batching of what is queued ~${int(ISSUE.batchingOn)} (${issueShare(ISSUE.batchingOn)}, p99 3.2 ms); ` +
      `the target >= ${int(ISSUE.target)} (${issueShare(ISSUE.target)}). The "share of bare Node" columns of points 2 and 3 are the median over rounds of each round's Assay requests/s over that round's bare Node requests/s at the same connections (the MLP's rows too, against bare Node on bc-wide-mlp's body).`,
  );
  report.line();
}

/**
 * The line under a requests/s target: the issue's ratio to bare Node on its machine beside this
 * run's. A reading, not a verdict: the absolute target stays the verdict.
 */
export function likeForLike(title: string, point: Repeated, bare: Repeated, connections: number): string {
  const share = pairedRatio(point, bare);
  const median = point.median.result;
  return (
    `  - Like-for-like reading: on the issue's machine batching on answered ${issueShare(ISSUE.batchingOn)} of bare Node's requests/s, and the target is ${issueShare(ISSUE.target)}; ` +
    `here ${title} at ${connections} connections answered ${percent(share.median)} of bare Node's requests/s at ${connections} connections (median of the rounds' ${share.each.map(percent).join(', ')})` +
    `, p50 ${ms(median.okLatency?.p50)} against bare Node's ${ms(bare.median.result.okLatency?.p50)}, p99 ${ms(median.okLatency?.p99)} against ${ms(bare.median.result.okLatency?.p99)} (median rounds).`
  );
}
