import { expect, it } from 'vitest';
import { shapeDifferences } from '../helpers/json-shape.js';
import { describeEachStore } from '../helpers/stores.js';
import { IdMap, loadTranscript, type Exchange } from '../helpers/transcripts.js';
import { createRegistryHarness, createRun } from './registry-fixtures.js';

/**
 * The registry calls MLflow 2.10.2's client made to MLflow's own server (client-smoke.jsonl), then
 * the registry searches probed on that same server (limits-and-errors.jsonl), replayed in order:
 * each answer must have MLflow's status, error code and message, and JSON shape.
 */
const REGISTRY = /\/(registered-models|model-versions)\//;

function registryExchanges(): Exchange[] {
  return [...loadTranscript('client-smoke.jsonl'), ...loadTranscript('limits-and-errors.jsonl')].filter(
    (exchange) => REGISTRY.test(exchange.url),
  );
}

describeEachStore('registry: MLflow transcripts', createRegistryHarness, (harness) => {
  it('answers the recorded registry calls with MLflow’s statuses, messages and shapes', async () => {
    const exchanges = registryExchanges();
    expect(exchanges.length).toBeGreaterThan(15);
    // The recorded versions name runs of the recorded session: stand real runs in for them.
    const ids = new IdMap();
    const recordedRuns = new Set(
      exchanges.flatMap((exchange) => JSON.stringify(exchange).match(/[0-9a-f]{32}/g) ?? []),
    );
    for (const recorded of recordedRuns) {
      const { runId } = await createRun(harness().mlflow);
      ids.learn({ run_id: recorded }, { run_id: runId });
    }

    const problems: string[] = [];
    for (const recorded of exchanges) {
      // Time passes between calls, as it did in the recording (search orders by it).
      harness().clock.advance();
      const exchange = ids.rewrite(recorded);
      const response = await harness().app.inject({
        method: exchange.method,
        url: exchange.url,
        ...(exchange.request === null ? {} : { payload: JSON.stringify(exchange.request) }),
        headers: exchange.request_content_type ? { 'content-type': exchange.request_content_type } : {},
      });
      const where = `${exchange.method} ${decodeURIComponent(exchange.url)}`;
      const body = response.json();
      const expected = exchange.response as Record<string, unknown>;
      if (/ OR /.test(decodeURIComponent(exchange.url.replace(/\+/g, ' ')))) {
        // Assay's documented extension: OR is accepted where MLflow refuses it.
        if (response.statusCode !== 200) problems.push(`${where}: OR must be accepted, got ${response.body}`);
        continue;
      }
      if (response.statusCode !== exchange.status) {
        problems.push(`${where}: status ${response.statusCode}, MLflow ${exchange.status}: ${response.body}`);
        continue;
      }
      if (typeof expected.error_code === 'string') {
        if (body.error_code !== expected.error_code || body.message !== expected.message) {
          problems.push(`${where}: ${response.body}, MLflow ${JSON.stringify(expected)}`);
        }
        continue;
      }
      problems.push(...shapeDifferences(body, expected).map((difference) => `${where}: ${difference}`));
      // Beyond shapes: the same versions, in the same order, with the same stages.
      const summary = (json: unknown) =>
        JSON.stringify(json, (key, value) => (/timestamp$/.test(key) ? 0 : value));
      if (summary(body) !== summary(expected))
        problems.push(`${where}: ${summary(body)} differs from ${summary(expected)}`);
    }
    expect(problems).toEqual([]);
  });
});
