import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAssay } from '../../src/context.js';
import { loadFixture } from '../evaluation/support/fixture-models.js';
import { runCli, startServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/stores.js';
import { fixturePath } from '../runtime/support/fixture-tables.js';

const cancer = loadFixture('breast_cancer');
const FEATURES = cancer.columns.filter((column) => !['id', 'target', 'split'].includes(column));

describe('assay serve (the CLI, as a process)', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await makeTempDir();
    const data = path.join(cwd, 'assay-data');
    const assay = await openAssay({
      store: `sqlite:${path.join(data, 'assay.db')}`,
      artifacts: path.join(data, 'artifacts'),
    });
    await assay.modelRegistration.registerModelFile(
      'cancer',
      fixturePath('breast_cancer', 'bc-mlp-v2.onnx'),
      {
        features: FEATURES,
        actor: 'tester',
      },
    );
    await assay.modelAliases.set('cancer', 'production', '1', { actor: 'tester' });
    await assay.close();
  });
  afterAll(async () => {
    await fs.rm(cwd, { recursive: true, force: true });
  });

  it('serves NAME@ALIAS from the embedded store, answers, and stops cleanly on SIGTERM', async () => {
    const serving = await startServerProcess(['cancer@production', '--port', '0', '--max-batch-size', '32'], {
      cwd,
      command: 'serve',
    });
    expect(serving.output()).toContain('cancer (version 1)');
    const row = FEATURES.map((column) => Number(cancer.rows[0]?.[column]));
    const response = await fetch(`${serving.url}/v2/models/cancer/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: row }] }),
    });
    expect(response.status).toBe(200);
    const scored = await fetch(`${serving.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: FEATURES, data: [row] } }),
    });
    expect(scored.status).toBe(200);
    expect(((await scored.json()) as { predictions: unknown[] }).predictions).toHaveLength(1);
    serving.child.kill('SIGTERM');
    expect(await serving.exited).toEqual({ code: 0, signal: null });
    // SIGTERM flushed the prediction log: both answers are in the store.
    const data = path.join(cwd, 'assay-data');
    const assay = await openAssay({
      store: `sqlite:${path.join(data, 'assay.db')}`,
      artifacts: path.join(data, 'artifacts'),
    });
    try {
      const logged = await assay.predictions.query({ deployment: 'cancer' });
      expect(logged.map((row) => row.id)).toEqual([
        response.headers.get('x-assay-prediction-id'),
        scored.headers.get('x-assay-prediction-id'),
      ]);
    } finally {
      await assay.close();
    }

    // Read back with the CLI: on the embedded store, and through a server (--uri).
    const ids = [response.headers.get('x-assay-prediction-id'), scored.headers.get('x-assay-prediction-id')];
    const local = await runCli(['--json', 'predictions', 'query', 'cancer'], { cwd });
    expect(local.code).toBe(0);
    expect(
      (JSON.parse(local.stdout) as { predictions: { id: string }[] }).predictions.map((p) => p.id),
    ).toEqual(ids);
    const tail = await runCli(['predictions', 'tail', 'cancer', '-n', '1'], { cwd });
    expect(tail.stdout).toContain(ids[1] as string);
    expect(tail.stdout).not.toContain(ids[0] as string);
    expect(tail.stdout.split('\n')[0]).toMatch(/^id +time +version +latency ms +label +probabilities/);
    const server = await startServerProcess(['--port', '0'], { cwd });
    try {
      const remote = await runCli(
        ['--uri', server.url, '--json', 'predictions', 'query', 'cancer', '--limit', '1'],
        { cwd },
      );
      expect(
        (JSON.parse(remote.stdout) as { predictions: { id: string }[] }).predictions.map((p) => p.id),
      ).toEqual([ids[0]]);
      const missing = await runCli(['--uri', server.url, 'predictions', 'query', 'cancer', '--limit', '0'], {
        cwd,
      });
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('--limit');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('serves from an Assay server (--uri), under the name given, and logs its predictions there', async () => {
    const server = await startServerProcess(['--port', '0'], { cwd });
    // Another directory: the serving process opens no store of its own.
    const elsewhere = await makeTempDir();
    try {
      const serving = await startServerProcess(
        ['live=cancer@production', '--port', '0', '--uri', server.url],
        {
          cwd: elsewhere,
          command: 'serve',
        },
      );
      expect(serving.output()).toContain('live (version 1)');
      expect(serving.output()).toContain(`the Assay server at ${server.url}`);
      const row = FEATURES.map((column) => Number(cancer.rows[1]?.[column]));
      const response = await fetch(`${serving.url}/v2/models/live/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: row }] }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { model_name: string }).model_name).toBe('live');
      serving.child.kill('SIGTERM');
      expect(await serving.exited).toEqual({ code: 0, signal: null });
      // SIGTERM uploaded the log to the server, which stored it: read back through its API.
      const logged = (await (
        await fetch(`${server.url}/api/assay/v1/predictions?deployment=live`)
      ).json()) as { predictions: { id: string; model: string; version: number }[] };
      expect(logged.predictions).toEqual([
        expect.objectContaining({
          id: response.headers.get('x-assay-prediction-id'),
          model: 'cancer',
          version: 1,
        }),
      ]);
      await expect(fs.readdir(elsewhere)).resolves.toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it.each([
    [
      ['cancer@1', '--uri', 'http://127.0.0.1:9', '--store', 'sqlite:x.db'],
      'give --uri (an Assay server) or --store/--artifacts, not both',
    ],
    [['=cancer@1'], "'=cancer@1': the served name before '=' must be non-empty and hold no '/'"],
    [['cancer@staging'], "Model 'cancer' has no alias 'staging' (its aliases: production -> 1)"],
    [['cancer@1', '--max-batch-size', '0'], 'max_batch_size must be a positive integer, got 0'],
    [['cancer@1', '--instances', 'two'], "--instances must be a number, got 'two'"],
    [['cancer'], "model 'cancer' must name a version or an alias"],
    [['cancer@1', '--log-sample-rate', '2'], '--log-sample-rate must be between 0 and 1, got 2'],
  ])('refuses %j with one clear line', async (args, message) => {
    const result = await runCli(['serve', ...args, '--port', '0'], { cwd });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
