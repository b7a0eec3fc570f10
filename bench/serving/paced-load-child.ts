/**
 * The open-loop load generator of `npm run bench:serving`'s overload points, in a process of its
 * own: request k is due at start + k / rate, whatever the answers before it did, as clients of a
 * real service arrive. autocannon's `overallRate` is a quota per connection per second instead: a
 * connection sends as fast as it is answered until its quota is used, so the load arrives in a burst
 * at each second's start, and under overload its fast 503s use the second's quota up in its first
 * milliseconds (measured: the CIFAR-sized CNN at twice its rate admitted a fifth of what it runs).
 * wrk has no rate, and its Lua hooks cannot time 2xx answers apart from 503s.
 *
 * Each due request goes out on an idle keep-alive connection (up to `connections`); a request due
 * while every connection waits for an answer is sent when one frees up; sent more than 5 ms after it
 * was due, it counts as late (every connection was busy, or this process could not keep up).
 * Latency is from the request's first byte written to its answer's last byte read, per status.
 * Answers are read with a minimal HTTP/1.1 parser: Assay answers every request with a
 * Content-Length (the server under test, not the open web). Run compiled from
 * .bench-build/serving/ (children.ts compiles it). Argument: a LoadSpec as JSON, with overallRate;
 * prints one JSON line, a LoadResult.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { Samples } from './samples.js';

interface Connection {
  readonly socket: net.Socket;
  /** When the request in flight was written (performance.now()), or null when idle. */
  sentAt: number | null;
  pending: Buffer;
}

interface Tally {
  record: boolean;
  sent: number;
  late: number;
  errors: number;
  readonly ok: Samples;
  readonly other: Samples;
  readonly statuses: Record<string, number>;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** A request sent this long after it was due counts as late (the tick below is a timer of about 1 ms). */
const LATE_MS = 5;

/** The request's bytes: request line, headers and body, written whole on every request. */
function requestBytes(spec: LoadSpec, body: Buffer): Buffer {
  const url = new URL(spec.url);
  const headers = {
    host: url.host,
    connection: 'keep-alive',
    ...spec.headers,
    'content-length': String(body.byteLength),
  };
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Takes every whole answer off the connection's buffer; calls `answered(status)` for each. */
function readAnswers(connection: Connection, answered: (status: number) => void): void {
  for (;;) {
    const end = connection.pending.indexOf(HEADER_END);
    if (end < 0) return;
    const head = connection.pending.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length === null) throw new Error(`an answer without Content-Length: ${head}`);
    const total = end + HEADER_END.byteLength + Number(length[1]);
    if (connection.pending.byteLength < total) return;
    connection.pending = connection.pending.subarray(total);
    answered(status);
  }
}

async function run(spec: LoadSpec, bytes: Buffer, seconds: number, tally: Tally): Promise<void> {
  const rate = spec.overallRate as number;
  const url = new URL(spec.url);
  const idle: Connection[] = [];
  const connections: Connection[] = [];
  let due = 0;
  const start = performance.now();
  const stopAt = start + seconds * 1000;

  const send = (connection: Connection, dueAt: number): void => {
    const now = performance.now();
    if (tally.record && now - dueAt > LATE_MS) tally.late += 1;
    connection.sentAt = now;
    connection.socket.write(bytes);
    if (tally.record) tally.sent += 1;
  };
  const backlog: number[] = [];
  const free = (connection: Connection): void => {
    const next = backlog.shift();
    if (next !== undefined && performance.now() < stopAt) send(connection, next);
    else idle.push(connection);
  };

  await Promise.all(
    Array.from(
      { length: spec.connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true }, () => {
            const connection: Connection = { socket, sentAt: null, pending: Buffer.alloc(0) };
            socket.on('data', (chunk: Buffer) => {
              connection.pending =
                connection.pending.byteLength === 0 ? chunk : Buffer.concat([connection.pending, chunk]);
              readAnswers(connection, (status) => {
                const latency = performance.now() - (connection.sentAt as number);
                connection.sentAt = null;
                if (tally.record) {
                  tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
                  (status >= 200 && status < 300 ? tally.ok : tally.other).push(latency);
                }
                free(connection);
              });
            });
            connections.push(connection);
            idle.push(connection);
            resolve();
          });
          socket.on('error', (error) => {
            tally.errors += 1;
            reject(error);
          });
        }),
    ),
  );

  // Every millisecond or so, sends what has come due since (setImmediate would spin a core).
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const target = Math.min(Math.floor(((Math.min(now, stopAt) - start) / 1000) * rate), rate * seconds);
      while (due < target) {
        const dueAt = start + (due / rate) * 1000;
        due += 1;
        const connection = idle.pop();
        if (connection) send(connection, dueAt);
        else backlog.push(dueAt);
      }
      if (now >= stopAt) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Answers still due come in for up to a second more; they are counted, none are sent.
  const drainUntil = performance.now() + 1000;
  while (connections.some((c) => c.sentAt !== null) && performance.now() < drainUntil) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  for (const connection of connections) connection.socket.destroy();
}

function newTally(record: boolean): Tally {
  return { record, sent: 0, late: 0, errors: 0, ok: new Samples(), other: new Samples(), statuses: {} };
}

const spec = JSON.parse(process.argv[2] as string) as LoadSpec;
if (spec.overallRate === undefined) throw new Error('the paced load needs overallRate');
const bytes = requestBytes(spec, fs.readFileSync(spec.bodyFile));
if (spec.warmupSeconds > 0) await run(spec, bytes, spec.warmupSeconds, newTally(false));
const tally = newTally(true);
await run(spec, bytes, spec.seconds, tally);
const output: LoadResult = {
  generator: 'paced',
  seconds: spec.seconds,
  sent: tally.sent,
  late: tally.late,
  answered: tally.ok.length + tally.other.length,
  ok: tally.ok.length,
  statuses: tally.statuses,
  errors: tally.errors,
  timeouts: 0,
  okPerSecond: tally.ok.length / spec.seconds,
  okLatency: tally.ok.latency(),
  otherLatency: tally.other.latency(),
};
console.log(JSON.stringify(output));
