import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { openAssay, type AssayContext } from '../../../src/context.js';
import type { FastifyInstance } from 'fastify';
import { buildServingApp } from '../../../src/server/serving-app.js';
import { batchingOptions } from '../../../src/serving/batching/batching-options.js';
import {
  DEFAULT_HALT_RULES,
  type DeploymentSpec,
  type DeploymentStatus,
} from '../../../src/serving/deployments/deployment-spec.js';
import { localCatalog } from '../../../src/serving/model-catalog.js';
import { ModelServer } from '../../../src/serving/model-server.js';
import { ServingMetrics } from '../../../src/serving/serving-metrics.js';
import { cancer, FEATURES, ROWS, v2Body } from '../support/cancer-rows.js';
import { describeEachStore } from '../../helpers/stores.js';
import { fixturePath } from '../../runtime/support/fixture-tables.js';

/** The registered versions of 'cancer': 1 logreg, 2 mlp, 3 forest, 4 wide mlp (its file tampered with later). */
const FILES = ['bc-logreg-v1.onnx', 'bc-mlp-v2.onnx', 'bc-forest-v3.onnx', 'bc-wide-mlp.onnx'];

function spec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    name: 'fraud',
    model: { name: 'cancer', version: null, alias: 'production' },
    canary: null,
    shadow: null,
    batching: batchingOptions({ maxBatchSize: 16 }),
    logSampleRate: 1,
    ...overrides,
  };
}

interface Harness {
  assay: AssayContext;
  server: ModelServer;
  app: FastifyInstance;
  base: string;
  artifactsDir: string;
  statuses: [string, DeploymentStatus][];
}

describeEachStore<Harness>(
  'deployments served over HTTP',
  async (store) => {
    const assay = await openAssay({ store: store.storeUri, artifacts: store.artifactsDir });
    for (const file of FILES) {
      await assay.modelRegistration.registerModelFile('cancer', fixturePath('breast_cancer', file), {
        features: FEATURES,
        actor: 'tester',
      });
    }
    await assay.modelAliases.set('cancer', 'production', '1', { actor: 'tester' });
    const metrics = new ServingMetrics();
    const statuses: [string, DeploymentStatus][] = [];
    const server = new ModelServer(localCatalog(assay.registeredModels, assay.modelRegistration), metrics, {
      onStatus: (name, status) => statuses.push([name, status]),
    });
    const app = await buildServingApp({
      server,
      metrics,
      log: null,
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 32 * 1024 * 1024,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    return {
      assay,
      server,
      app,
      base: `http://127.0.0.1:${address.port}`,
      artifactsDir: store.artifactsDir,
      statuses,
      close: async () => {
        await app.close();
        await server.close();
        await assay.close();
      },
    };
  },
  (get) => {
    let h: Harness;
    beforeAll(() => {
      h = get();
    });
    const moveAlias = (version: number) =>
      h.assay.modelAliases.set('cancer', 'production', String(version), { actor: 'tester' });
    /** Rows [from, to) as a KServe v2 request, answered with its version and class-1 probabilities. */
    const infer = async (
      from: number,
      to: number,
      headers: Record<string, string> = {},
      version?: string,
    ) => {
      const response = await fetch(
        `${h.base}/v2/models/fraud${version ? `/versions/${version}` : ''}/infer`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: v2Body(from, to),
        },
      );
      const body = (await response.json()) as { model_version?: string; error?: string };
      return { status: response.status, version: body.model_version, error: body.error };
    };

    it('serves a deployment on its alias, at the version the alias names', async () => {
      await h.server.apply(spec(), '1');
      expect(h.server.status('fraud')).toMatchObject({ state: 'ready', servedVersion: 1, error: null });
      expect(await infer(0, 3)).toEqual({ status: 200, version: '1', error: undefined });
      expect(h.statuses.at(-1)).toEqual(['fraud', expect.objectContaining({ servedVersion: 1 })]);
    });

    it('follows a moved alias under load: the new version swaps in and no request fails', async () => {
      const LOOPS = 16;
      let moved = false;
      let after = 0;
      const seen: string[][] = Array.from({ length: LOOPS }, () => []);
      const failures: unknown[] = [];
      const loop = async (i: number) => {
        // Each loop keeps going until 30 of its requests were answered after the swap was made.
        let mine = 0;
        while (mine < 30) {
          const answer = await infer(i, i + 1 + (i % 4));
          if (answer.status !== 200) failures.push(answer);
          seen[i]!.push(answer.version ?? '?');
          if (moved && answer.version === '2') mine += 1;
          if (moved) after += 1;
        }
      };
      const load = Promise.all(Array.from({ length: LOOPS }, (_, i) => loop(i)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await moveAlias(2);
      await h.server.refresh();
      moved = true;
      await load;
      expect(failures).toEqual([]);
      expect(after).toBeGreaterThan(LOOPS * 30 - 1);
      for (const versions of seen) {
        // Atomic: once a connection has been answered by version 2, it never sees version 1 again.
        const first2 = versions.indexOf('2');
        expect(first2).toBeGreaterThan(0);
        expect(versions.slice(first2).every((version) => version === '2')).toBe(true);
        expect(versions.slice(0, first2).every((version) => version === '1')).toBe(true);
      }
      expect(h.server.status('fraud')).toMatchObject({ state: 'ready', servedVersion: 2, error: null });
      // The old version drained and unloaded: it no longer reports a queue.
      const exposition = await (await fetch(`${h.base}/metrics`)).text();
      expect(exposition).toMatch(/assay_inference_queue_depth\{model="fraud",version="2"\}/);
      expect(exposition).not.toMatch(/assay_inference_queue_depth\{model="fraud",version="1"\}/);
    });

    it('a version that fails to load leaves the old one serving, and the deployment reports why', async () => {
      const sha = createHash('sha256')
        .update(readFileSync(fixturePath('breast_cancer', FILES[3] as string)))
        .digest('hex');
      const stored = path.join(h.artifactsDir, 'models', sha, 'model.onnx');
      const original = readFileSync(stored);
      writeFileSync(stored, Buffer.concat([original, Buffer.from('tampered')]));
      try {
        await moveAlias(4);
        await h.server.refresh();
        const status = h.server.status('fraud');
        expect(status).toMatchObject({ state: 'ready', servedVersion: 2 });
        expect(status?.error).toMatch(/^cancer version 4 failed to load: .*changed since registration/);
        expect(await infer(0, 2)).toMatchObject({ status: 200, version: '2' });
        // Not retried at every poll while nothing changes.
        await h.server.refresh();
        expect(h.server.status('fraud')?.error).toMatch(/version 4 failed to load/);
      } finally {
        writeFileSync(stored, original);
      }
      await moveAlias(2);
      await h.server.refresh();
      expect(h.server.status('fraud')).toMatchObject({ servedVersion: 2, error: null });
    });

    it('a canary takes its share of traffic, sticky by routing key, and answers requests naming it', async () => {
      await h.server.apply(
        spec({
          canary: {
            model: { name: 'cancer', version: 3, alias: null },
            percent: 30,
            halt: { ...DEFAULT_HALT_RULES, maxErrorRate: null },
          },
        }),
        '2',
      );
      expect(h.server.status('fraud')).toMatchObject({ servedVersion: 2, canaryVersion: 3 });
      const versions = new Map<string, string>();
      for (let i = 0; i < 200; i += 1) {
        const answer = await infer(i % ROWS, (i % ROWS) + 1, { 'x-assay-routing-key': `user-${i}` });
        expect(answer.status).toBe(200);
        versions.set(`user-${i}`, answer.version as string);
      }
      const share = [...versions.values()].filter((version) => version === '3').length / versions.size;
      expect(share).toBeGreaterThan(0.18);
      expect(share).toBeLessThan(0.42);
      for (const [key, version] of [...versions].slice(0, 40)) {
        expect((await infer(5, 6, { 'x-assay-routing-key': key })).version).toBe(version);
      }
      expect(await infer(0, 1, {}, '3')).toMatchObject({ status: 200, version: '3' });
      expect(await infer(0, 1, {}, '2')).toMatchObject({ status: 200, version: '2' });
      expect(await infer(0, 1, {}, '1')).toMatchObject({
        status: 404,
        error: "Model 'fraud' is served at version 2, 3, not 1",
      });
      const metadata = (await (await fetch(`${h.base}/v2/models/fraud`)).json()) as { versions: string[] };
      expect(metadata.versions).toEqual(['2', '3']);
    });

    it('a canary over its halt limit is halted: all traffic goes back, and why is recorded', async () => {
      await h.server.apply(
        spec({
          canary: {
            model: { name: 'cancer', version: 3, alias: null },
            percent: 100,
            // No request is answered in a nanosecond: the p99 rule must fire once 5 requests are in.
            halt: { maxErrorRate: null, maxP99Ms: 0.000001, minRequests: 5, windowMs: 60_000 },
          },
        }),
        '3',
      );
      const answered: string[] = [];
      for (let i = 0; i < 60; i += 1) answered.push((await infer(i, i + 1)).version as string);
      expect(answered.slice(0, 5)).toEqual(['3', '3', '3', '3', '3']);
      expect(answered.slice(-10)).toEqual(Array(10).fill('2'));
      // The halt unloads the canary in the background.
      await h.server.refresh();
      const status = h.server.status('fraud');
      expect(status?.canaryHalt?.reason).toMatch(
        /^canary version 3 halted: p99 latency .* ms over (\d|1\d|2\d) requests is above the limit of 0.000001 ms$/,
      );
      expect(status).toMatchObject({ servedVersion: 2, canaryVersion: null });
      expect(h.statuses.some(([, each]) => each.canaryHalt !== null)).toBe(true);
      // A new generation of the spec starts the canary again.
      await h.server.apply(spec(), '4');
      expect(h.server.status('fraud')).toMatchObject({ canaryHalt: null, canaryVersion: null });
    });

    it("a shadow's live diff over the evaluation rows equals the reference diff", async () => {
      await moveAlias(1);
      await h.server.apply(spec({ shadow: { model: { name: 'cancer', version: 2, alias: null } } }), '5');
      expect(h.server.status('fraud')).toMatchObject({ servedVersion: 1, shadowVersion: 2 });
      for (let start = 0, size = 1; start < ROWS; start += size, size = (size % 7) + 1) {
        const end = Math.min(ROWS, start + size);
        expect((await infer(start, end)).version).toBe('1');
      }
      let diff: Record<string, unknown> | null = null;
      for (let wait = 0; wait < 100; wait += 1) {
        diff = h.server.status('fraud')?.shadowDiff ?? null;
        if (diff?.rows_compared === ROWS) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const reference = cancer.reference.diffs['bc-logreg-v1.onnx -> bc-mlp-v2.onnx'] as Record<
        string,
        unknown
      >;
      expect(diff).toMatchObject({
        rows_compared: ROWS,
        shadow_errors: 0,
        skipped_requests: 0,
        transitions: reference.transitions,
        crossings: reference.crossings,
      });
      expect(diff?.flip_rate).toBeCloseTo(reference.flip_rate as number, 12);
      const delta = diff?.score_delta as Record<string, number>;
      for (const [key, value] of Object.entries(reference.score_delta as Record<string, number>)) {
        expect(delta[key]).toBeCloseTo(value, 9);
      }
    });

    it('a deployment removed stops being served', async () => {
      await h.server.remove('fraud');
      expect((await infer(0, 1)).status).toBe(404);
      expect((await fetch(`${h.base}/v2/health/ready`)).status).toBe(503);
    });
  },
);
