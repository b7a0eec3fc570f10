import path from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, postgres } from '../helpers/postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/stores.js';
import { MIGRATION_NAMES } from '../../src/store/migrate.js';

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  }
});

async function start(storeUri: string, cwd: string): Promise<ServerProcess> {
  const server = await startServerProcess(['--port', '0', '--store', storeUri], { cwd });
  running.push(server);
  return server;
}

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

interface Backend {
  label: string;
  available: boolean;
  reason: string;
  fresh(): Promise<{ uri: string; migrations: () => Promise<number>; drop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    label: 'sqlite',
    available: true,
    reason: '',
    async fresh() {
      const dir = await makeTempDir();
      const file = path.join(dir, 'store.db');
      return {
        uri: `sqlite:${file}`,
        migrations: async () => {
          const db = new Database(file, { readonly: true });
          try {
            return (db.prepare('select count(*) as n from kysely_migration').get() as { n: number }).n;
          } finally {
            db.close();
          }
        },
        drop: async () => undefined,
      };
    },
  },
  {
    label: 'postgres',
    available: postgres.available,
    reason: postgres.reason,
    async fresh() {
      const database = await createPostgresDatabase();
      return {
        uri: database.url,
        migrations: async () => {
          const client = new pg.Client({ connectionString: database.url });
          await client.connect();
          try {
            return Number((await client.query('select count(*) as n from kysely_migration')).rows[0].n);
          } finally {
            await client.end();
          }
        },
        drop: database.drop,
      };
    },
  },
];

for (const backend of backends) {
  const title = backend.available
    ? `store safety [${backend.label}]`
    : `store safety [${backend.label}] (skipped: ${backend.reason})`;
  describe.skipIf(!backend.available)(title, () => {
    it('loses no acknowledged write when the server is killed with SIGKILL mid-write, and restarts readable', async () => {
      const cwd = await makeTempDir();
      const store = await backend.fresh();
      try {
        const server = await start(store.uri, cwd);
        const created = await post(`${server.url}/api/2.0/mlflow/runs/create`, { experiment_id: '0' });
        const runId = (created.json as { run: { info: { run_id: string } } }).run.info.run_id;
        const acknowledged = new Set<number>();
        let stop = false;
        const writer = async (worker: number): Promise<void> => {
          for (let batch = 0; !stop; batch += 1) {
            const id = worker * 100_000 + batch;
            try {
              const metrics = Array.from({ length: 100 }, (_, i) => ({
                key: `b${id}`,
                value: i,
                timestamp: 1,
                step: i,
              }));
              const res = await post(`${server.url}/api/2.0/mlflow/runs/log-batch`, {
                run_id: runId,
                metrics,
              });
              if (res.status === 200) acknowledged.add(id);
            } catch {
              return; // the connection died with the server
            }
          }
        };
        const writers = [0, 1, 2, 3].map(writer);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        server.child.kill('SIGKILL');
        await server.exited;
        stop = true;
        await Promise.all(writers);
        expect(acknowledged.size).toBeGreaterThan(10);

        const restarted = await start(store.uri, cwd);
        const run = await fetch(`${restarted.url}/api/2.0/mlflow/runs/get?run_id=${runId}`);
        const metrics =
          ((await run.json()) as { run: { data: { metrics?: { key: string; step: number }[] } } }).run.data
            .metrics ?? [];
        const latest = new Map(metrics.map((metric) => [metric.key, metric.step]));
        for (const id of acknowledged) expect(latest.get(`b${id}`), `batch ${id}`).toBe(99);
        // Every batch is all or nothing: a batch that made it has all of its 100 points.
        for (const metric of metrics) {
          const history = await fetch(
            `${restarted.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${metric.key}`,
          );
          expect(((await history.json()) as { metrics: unknown[] }).metrics).toHaveLength(100);
        }
        const search = await post(`${restarted.url}/api/2.0/mlflow/runs/search`, { experiment_ids: ['0'] });
        expect(search.status).toBe(200);
      } finally {
        await store.drop();
      }
    });

    it('migrates once when two servers start on a new store at the same moment (three tries)', async () => {
      // A race shows up only sometimes: three fresh stores, two servers each.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const cwd = await makeTempDir();
        const store = await backend.fresh();
        try {
          const [a, b] = await Promise.all([start(store.uri, cwd), start(store.uri, cwd)]);
          for (const server of [a, b]) {
            expect(await (await fetch(`${server.url}/health`)).text()).toBe('OK');
            const experiment = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
            expect(experiment.status).toBe(200);
          }
          expect(await store.migrations()).toBe(MIGRATION_NAMES.length);
          const created = await post(`${b.url}/api/2.0/mlflow/experiments/create`, { name: 'via-b' });
          const id = (created.json as { experiment_id: string }).experiment_id;
          const seen = await fetch(`${a.url}/api/2.0/mlflow/experiments/get?experiment_id=${id}`);
          expect(seen.status).toBe(200);
        } finally {
          for (const server of running.splice(0)) {
            server.child.kill('SIGTERM');
            await server.exited;
          }
          await store.drop();
        }
      }
    });
  });
}
