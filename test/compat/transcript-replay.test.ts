import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { shapeDifferences } from '../helpers/json-shape.js';
import { describeEachStore } from '../helpers/stores.js';
import { IdMap, loadTranscript, type Exchange } from '../helpers/transcripts.js';

/**
 * Replays what MLflow 2.10.2's own client sent to MLflow's own server, in order, against Assay, and
 * compares every answer: status, content type, error code and message, and the JSON shape (keys,
 * types, list lengths). Ids are mapped from the recording to the replay as they are handed out.
 */

interface Mismatch {
  line: number;
  request: string;
  problem: string;
}

/** Where Assay deliberately answers differently, and what it answers instead. */
function expectedDeviation(exchange: Exchange): 'paged-history' | 'or-accepted' | undefined {
  if (exchange.url.includes('metrics/get-history') && exchange.url.includes('max_results=5'))
    return 'paged-history';
  const filter =
    (exchange.request as { filter?: string } | null)?.filter ??
    new URLSearchParams(exchange.url.split('?')[1] ?? '').get('filter') ??
    '';
  if (/\/search(\?|$)/.test(exchange.url) && (/ OR /i.test(filter) || filter.startsWith('(')))
    return 'or-accepted';
  return undefined;
}

/** MLflow prints Python sets in hash order, and appends SQLAlchemy's text to integrity errors. */
function normalizeMessage(message: string): string {
  return message
    .replace(
      /\{('[^']*'(?:, '[^']*')*)\}/g,
      (_match, items: string) => `{${items.split(', ').sort().join(', ')}}`,
    )
    .replace(/ Error: \(raised as a result of Query-invoked autoflush[\s\S]*$/, '');
}

async function replay(harness: AppHarness, transcript: string): Promise<Mismatch[]> {
  const ids = new IdMap();
  const mismatches: Mismatch[] = [];
  const exchanges = loadTranscript(transcript);
  for (const [line, recorded] of exchanges.entries()) {
    const exchange = ids.rewrite(recorded);
    const report = (problem: string): void => {
      mismatches.push({ line, request: `${exchange.method} ${exchange.url}`, problem });
    };
    let payload: string | Buffer | undefined;
    if (typeof exchange.request === 'string') {
      const binary = /^<(\d+) bytes /.exec(exchange.request);
      payload = binary ? randomBytes(Number(binary[1])) : exchange.request;
    } else if (exchange.request !== null) {
      payload = JSON.stringify(exchange.request);
    }
    const response = await harness.app.inject({
      method: exchange.method,
      url: exchange.url,
      ...(payload === undefined ? {} : { payload }),
      headers: exchange.request_content_type ? { 'content-type': exchange.request_content_type } : {},
    });
    const contentType = String(response.headers['content-type'] ?? '');
    const isJson = contentType.startsWith('application/json');
    const body: unknown = isJson && response.body ? JSON.parse(response.body) : response.body;
    const deviation = expectedDeviation(recorded);

    if (deviation === 'paged-history') {
      const page = body as { metrics?: unknown[]; next_page_token?: string };
      if (response.statusCode !== 200 || page.metrics?.length !== 5 || !page.next_page_token) {
        report(
          `expected a first page of 5 points with a next_page_token, got ${response.body.slice(0, 200)}`,
        );
      }
      continue;
    }
    if (deviation === 'or-accepted') {
      if (response.statusCode !== 200)
        report(`OR / parentheses must be accepted, got ${response.statusCode} ${response.body}`);
      continue;
    }
    if (response.statusCode !== recorded.status) {
      report(`status ${response.statusCode}, MLflow ${recorded.status}: ${response.body.slice(0, 300)}`);
      continue;
    }
    const recordedType = recorded.response_content_type ?? '';
    if (recordedType && !contentType.startsWith(recordedType)) {
      report(`content type ${contentType}, MLflow ${recordedType}`);
    }
    if (recordedType === 'application/json') {
      ids.learn(recorded.response, body);
      const expected = ids.rewrite(recorded.response) as Record<string, unknown>;
      const actual = body as Record<string, unknown>;
      if (typeof expected.error_code === 'string') {
        if (actual.error_code !== expected.error_code)
          report(`error_code ${String(actual.error_code)}, MLflow ${expected.error_code}`);
        if (normalizeMessage(String(actual.message)) !== normalizeMessage(String(expected.message))) {
          report(`message "${String(actual.message)}", MLflow "${String(expected.message)}"`);
        }
        continue;
      }
      for (const difference of shapeDifferences(actual, expected)) report(difference);
      const expectedRuns = (expected.runs as { info: { run_name: string } }[] | undefined)?.map(
        (run) => run.info.run_name,
      );
      const actualRuns = (actual.runs as { info: { run_name: string } }[] | undefined)?.map(
        (run) => run.info.run_name,
      );
      if (
        expectedRuns &&
        actualRuns &&
        /^run-\d$/.test(expectedRuns[0] ?? '') &&
        expectedRuns.join() !== actualRuns.join()
      ) {
        report(`runs ${actualRuns.join(', ')}, MLflow ${expectedRuns.join(', ')}`);
      }
    } else if (typeof recorded.response === 'string' && !/^<\d+ bytes /.test(recorded.response)) {
      if (response.body !== ids.rewrite(recorded.response))
        report(`body ${JSON.stringify(response.body.slice(0, 100))} differs`);
    }
  }
  return mismatches;
}

describeEachStore(
  'MLflow transcripts: client session, limits and errors',
  (store) => createAppHarness(store),
  (harness) => {
    it('answers the recorded client session like MLflow 2.10.2', async () => {
      expect(await replay(harness(), 'client-smoke.jsonl')).toEqual([]);
    });

    it('answers the recorded limits and errors like MLflow 2.10.2', async () => {
      expect(await replay(harness(), 'limits-and-errors.jsonl')).toEqual([]);
    });
  },
);

describeEachStore(
  'MLflow transcripts: search grammar',
  (store) => createAppHarness(store),
  (harness) => {
    it('answers the 24 recorded filters, order_by lists and page tokens like MLflow 2.10.2', async () => {
      expect(await replay(harness(), 'search-grammar.jsonl')).toEqual([]);
    });
  },
);
