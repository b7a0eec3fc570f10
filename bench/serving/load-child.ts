/**
 * The closed-loop load generator of `npm run bench:serving` when wrk is not installed: autocannon
 * in a process of its own, so that it shares no event loop with the server or the bench. Run compiled from .bench-build/serving/
 * (children.ts compiles it). Argument: a LoadSpec as JSON; prints one JSON line, a LoadResult.
 *
 * The request body is read from its file once, before the clock starts: autocannon sends the same
 * bytes on every request. Latencies are kept per response from autocannon's 'response' event (its
 * own histogram counts whole milliseconds, too coarse for sub-millisecond answers).
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load-spec.js';
import { Samples } from './samples.js';

async function run(spec: LoadSpec, body: Buffer, seconds: number, record: boolean) {
  const ok = new Samples();
  const other = new Samples();
  const statuses: Record<string, number> = {};
  const options: autocannon.Options = {
    url: spec.url,
    method: 'POST',
    headers: spec.headers,
    body,
    connections: spec.connections,
    duration: seconds,
    timeout: 30,
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, done: autocannon.Result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done),
    );
    if (!record) return;
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      (statusCode >= 200 && statusCode < 300 ? ok : other).push(responseTime);
    });
  });
  return { result, ok, other, statuses };
}

const spec = JSON.parse(process.argv[2] as string) as LoadSpec;
const body = fs.readFileSync(spec.bodyFile);
if (spec.warmupSeconds > 0) await run(spec, body, spec.warmupSeconds, false);
const { result, ok, other, statuses } = await run(spec, body, spec.seconds, true);
const answered = ok.length + other.length;
const output: LoadResult = {
  generator: 'autocannon',
  seconds: result.duration,
  sent: result.requests.sent,
  answered,
  ok: ok.length,
  statuses,
  errors: result.errors,
  timeouts: result.timeouts,
  okPerSecond: ok.length / result.duration,
  okLatency: ok.latency(),
  otherLatency: other.latency(),
};
console.log(JSON.stringify(output));
