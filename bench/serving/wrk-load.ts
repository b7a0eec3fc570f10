/**
 * Closed-loop load from wrk (Debian's `wrk`, one thread), when it is installed: the issue names it
 * beside autocannon. On this machine's two cores the load generator shares the CPU with the server
 * it measures, so the less CPU it spends per request, the less it takes from the server: against
 * bare Node at 64 connections, autocannon (the bench's child, a Node process) spent 17-21 µs of CPU
 * per request, 76-91% of a core at 44,000-52,000 requests/s, and wrk, written in C, 11-15 µs (three
 * pairs of 6 s runs, user + system time). autocannon stays for closed-loop points when wrk is
 * absent; fixed-rate points use the paced child (paced-load-child.ts).
 *
 * wrk is driven by a Lua script written per point: it reads the body from its file once, sets the
 * headers, and prints its summary as one JSON line when done (latencies in microseconds).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './load-spec.js';

/** wrk's version line (`wrk 4.1.0 [epoll] ...`), or null when it is not on the PATH. */
export function wrkVersion(): string | null {
  try {
    // wrk prints its usage, version first, to stdout and exits 1 when given no URL.
    execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    const line = stdout.split('\n')[0]?.trim() ?? '';
    return line.startsWith('wrk ') ? (line.split(' [')[0] as string) : null;
  }
  return null;
}

/** A Lua string literal for plain ASCII text (paths and header values the bench makes). */
function luaString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`not plain ASCII, refused in a wrk script: ${text}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function script(spec: LoadSpec): string {
  const headers = Object.entries(spec.headers).map(
    ([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`,
  );
  return [
    `local file = assert(io.open(${luaString(spec.bodyFile)}, "rb"))`,
    'wrk.body = file:read("*a")',
    'file:close()',
    'wrk.method = "POST"',
    ...headers,
    'function done(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'{"duration":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' +
      '"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}\\n\',',
    '    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))',
    'end',
    '',
  ].join('\n');
}

interface WrkSummary {
  readonly duration: number;
  readonly requests: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly status: number;
  readonly timeout: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

function runWrk(spec: LoadSpec, scriptFile: string, seconds: number): Promise<WrkSummary> {
  const args = [
    '-t1',
    `-c${spec.connections}`,
    // wrk takes whole seconds.
    `-d${Math.max(1, Math.round(seconds))}s`,
    '--timeout',
    '30s',
    '-s',
    scriptFile,
    spec.url,
  ];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((text) => text.startsWith('{"duration"'));
      if (error || line === undefined) {
        reject(new Error(`wrk ${args.join(' ')} failed: ${error?.message ?? ''}\n${stdout}\n${stderr}`));
        return;
      }
      resolve(JSON.parse(line) as WrkSummary);
    });
  });
}

/**
 * One closed-loop point from wrk: the warm-up run, then the measured one. wrk does not tell 2xx
 * answers' latencies from others': the latencies are of every answer, and `statuses` counts the
 * non-2xx ones as `non-2xx` (a closed-loop point expects none).
 */
export async function wrkLoad(spec: LoadSpec): Promise<LoadResult> {
  const scriptFile = path.join(path.dirname(spec.bodyFile), `wrk-${process.pid}.lua`);
  fs.writeFileSync(scriptFile, script(spec));
  try {
    if (spec.warmupSeconds > 0) await runWrk(spec, scriptFile, spec.warmupSeconds);
    const summary = await runWrk(spec, scriptFile, spec.seconds);
    const seconds = summary.duration / 1e6;
    const ok = summary.requests - summary.status;
    const toMs = (us: number): number => us / 1000;
    const latency = {
      p50: toMs(summary.p50),
      p90: toMs(summary.p90),
      p99: toMs(summary.p99),
      max: toMs(summary.max),
      mean: toMs(summary.mean),
    };
    return {
      generator: 'wrk',
      seconds,
      sent: summary.requests,
      answered: summary.requests,
      ok,
      statuses: summary.status > 0 ? { '2xx': ok, 'non-2xx': summary.status } : { '2xx': ok },
      errors: summary.connect + summary.read + summary.write + summary.timeout,
      timeouts: summary.timeout,
      okPerSecond: ok / seconds,
      okLatency: summary.requests > 0 ? latency : null,
      otherLatency: null,
    };
  } finally {
    fs.rmSync(scriptFile, { force: true });
  }
}
