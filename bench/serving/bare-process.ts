import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { BenchServer } from '../lib/server.js';
import { compile } from './children.js';

const BARE_SERVER = compile('bare-server');

export type BareKind = 'node' | 'fastify';

/**
 * Starts a calibration server (bare-server.ts) as its own process on 127.0.0.1; resolves once it
 * listens. Like `assay serve`, it runs alone on plain Node while the load child drives it.
 */
export async function startBare(kind: BareKind): Promise<BenchServer> {
  const child = spawn(process.execPath, [BARE_SERVER, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0] as string;
      if (output.includes('\n')) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.on('exit', (code) => reject(new Error(`bare-server ${kind} exited (${code}): ${output}`)));
  });
  const pid = child.pid as number;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    rssMb: () => {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
