import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { processRssMb, type BenchServer } from '../lib/server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServeProcess extends BenchServer {
  /** Rows per model call so far, from the server's /metrics (sum and count); null without /metrics. */
  batchRows(model: string): Promise<{ sum: number; count: number } | null>;
}

/**
 * Starts the built `assay serve` (bin/assay.js) on 127.0.0.1, as its own process, serving `models`
 * (NAME@VERSION) with `flags`; resolves once it answers ready. Its standard output (the log) goes
 * to /dev/null: read through a pipe, it would cost the bench's own process CPU on the cores the
 * server and the load share.
 */
export async function startServe(
  store: string,
  artifacts: string,
  models: readonly string[],
  flags: readonly string[] = [],
): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/assay.js'),
      'serve',
      ...models,
      '--port',
      String(port),
      '--store',
      store,
      '--artifacts',
      artifacts,
      ...flags,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const ready = await waitReady(url, () => child.exitCode === null && child.signalCode === null);
  if (!ready)
    throw new Error(`assay serve ${[...models, ...flags].join(' ')} exited or was not ready within a minute`);
  const pid = child.pid as number;
  return {
    url,
    pid,
    rssMb: () => processRssMb(pid),
    batchRows: async (model) => {
      const response = await fetch(`${url}/metrics`);
      const text = await response.text();
      if (response.status !== 200) return null;
      const value = (suffix: string): number | null => {
        const line = new RegExp(
          `^assay_inference_batch_size_${suffix}\\{[^}]*model="${model}"[^}]*\\} (\\S+)$`,
          'm',
        );
        const match = line.exec(text);
        return match ? Number(match[1]) : null;
      };
      const sum = value('sum');
      const count = value('count');
      return sum === null || count === null ? null : { sum, count };
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether the built `assay serve` takes `flag` (its --help lists it). */
export function serveHasFlag(flag: string): boolean {
  const help = execFileSync(process.execPath, [path.join(ROOT, 'bin/assay.js'), 'serve', '--help'], {
    encoding: 'utf8',
  });
  return help.includes(flag);
}

/** A port nobody listens on now (the kernel's pick for port 0, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls the readiness probe until it answers 200 (true), or the process is gone or a minute passed (false). */
async function waitReady(url: string, alive: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 600 && alive(); attempt += 1) {
    try {
      const response = await fetch(`${url}/v2/health/ready`);
      await response.arrayBuffer();
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
