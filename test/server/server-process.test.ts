import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ASSAY_VERSION } from '../../src/version.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/stores.js';

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  }
});

async function start(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const server = await startServerProcess(args, { cwd, env });
  running.push(server);
  return server;
}

describe('assay server process', () => {
  it('starts on embedded defaults, says where it listens and what it uses, answers /health and /version', async () => {
    const cwd = await makeTempDir();
    const server = await start(['--port', '0'], cwd);
    expect(server.output()).toContain(`Assay ${ASSAY_VERSION} listening on http://127.0.0.1:`);
    expect(server.output()).toContain(`metadata store: sqlite:./assay-data/assay.db (sqlite)`);
    expect(server.output()).toContain(
      `artifacts:      ${path.join(await fs.realpath(cwd), 'assay-data', 'artifacts')}`,
    );
    const health = await fetch(`${server.url}/health`);
    expect(await health.text()).toBe('OK');
    expect(await (await fetch(`${server.url}/version`)).text()).toBe(ASSAY_VERSION);
    await fs.access(path.join(cwd, 'assay-data', 'assay.db'));
  });

  it('takes its settings from ASSAY_* variables, flags winning over them', async () => {
    const cwd = await makeTempDir();
    const server = await start(['--store', 'sqlite:flag.db'], cwd, {
      ASSAY_PORT: '0',
      ASSAY_STORE: 'sqlite:env.db',
      ASSAY_ARTIFACTS: './env-artifacts',
    });
    expect(server.output()).toContain('metadata store: sqlite:flag.db');
    expect(server.output()).toMatch(/artifacts:\s+\S*env-artifacts/);
    await fs.access(path.join(cwd, 'flag.db'));
    await expect(fs.access(path.join(cwd, 'env.db'))).rejects.toThrow();
  });

  it('refuses bad configuration with one line naming the setting', async () => {
    const cwd = await makeTempDir();
    const badPort = await runCli(['server', '--port', 'abc'], { cwd });
    expect(badPort.code).not.toBe(0);
    expect(badPort.stderr).toMatch(/^assay: invalid configuration: port \(ASSAY_PORT\): /);
    const badStore = await runCli(['server', '--port', '0', '--store', 'mysql://x'], { cwd });
    expect(badStore.code).not.toBe(0);
    expect(badStore.stderr).toContain("unsupported store URI 'mysql://x'");
    expect(badStore.stderr).not.toContain('    at ');
    const version = await runCli(['--version'], { cwd });
    expect(version.stdout.trim()).toBe(ASSAY_VERSION);
  });

  it('on SIGTERM stops accepting, finishes the request in flight, closes the store and exits 0', async () => {
    const cwd = await makeTempDir();
    const server = await start(['--port', '0'], cwd);
    const created = await fetch(`${server.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_id: '0' }),
    });
    const runId = ((await created.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
    const body = JSON.stringify({
      run_id: runId,
      metrics: Array.from({ length: 500 }, (_, step) => ({ key: 'm', value: step, timestamp: 1, step })),
    });
    // Send half of a log-batch, signal, then send the rest: the request must still complete.
    const url = new URL(`${server.url}/api/2.0/mlflow/runs/log-batch`);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, body.length / 2));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(body.length / 2)), 300);
      }, 200);
    });
    const result = await response;
    expect(result).toEqual({ status: 200, body: '{}' });
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();

    const again = await start(['--port', '0'], cwd);
    const history = await fetch(
      `${again.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`,
    );
    expect(((await history.json()) as { metrics: unknown[] }).metrics).toHaveLength(500);
  });
});
