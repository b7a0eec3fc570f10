import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts the built `assay server` (bin/assay.js) as its own process, quiet, on a free port. */
export async function startBenchServer(store: string, artifacts: string): Promise<BenchServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/assay.js'), 'server', '--port', '0', '--store', store, '--artifacts', artifacts],
    { env: { ...process.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        // From here on the server's request log is drained, not kept.
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    rssMb: () => processRssMb(pid),
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Samples a server's RSS in the background; `stop` returns min / max / last in MB. */
export function sampleRss(
  server: BenchServer,
  everyMs = 250,
): { stop(): { min: number; max: number; samples: number[] } } {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(server.rssMb()), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      samples.push(server.rssMb());
      return { min: Math.min(...samples), max: Math.max(...samples), samples };
    },
  };
}

/** A process's resident set now, in MB (Linux: VmRSS of /proc/PID/status). */
export function processRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
