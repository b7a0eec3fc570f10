import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, expect, it } from 'vitest';
import { arrow } from '../../src/datasets/arrow/apache-arrow.js';
import { AssayError, InvalidParameterError } from '../../src/errors/assay-error.js';
import type { NamedTensor } from '../../src/serving/named-tensor.js';
import { DEFAULT_PREDICTION_LOG } from '../../src/serving/prediction-log/prediction-log-options.js';
import {
  remotePredictionRecorder,
  type PredictionSource,
} from '../../src/serving/prediction-log/prediction-log.js';
import { PredictionLogThread } from '../../src/serving/prediction-log/prediction-log-thread-client.js';
import { PendingBatch } from '../../src/serving/prediction-log/pending-batch.js';
import { MAX_BATCH_BYTES } from '../../src/server/assay/prediction-routes.js';
import { createListeningApp, type ListeningApp } from '../artifacts/support/listening-app.js';
import { describeEachStore } from '../helpers/stores.js';

const ARROW = 'application/vnd.apache.arrow.file';
const BATCHES = '/api/assay/v1/predictions/batches';

const source = (deployment: string, modelVersion = 2): PredictionSource => ({
  deployment,
  modelName: 'churn',
  modelVersion,
  featureNames: new Map([['x', ['tenure', 'spend']]]),
});

/** A one-row request: features seed, seed + 1; a probability out. */
function request(seed: number): { inputs: NamedTensor[]; outputs: NamedTensor[] } {
  return {
    inputs: [{ name: 'x', type: 'float32', dims: [1, 2], data: Float32Array.of(seed, seed + 1) }],
    outputs: [{ name: 'p', type: 'float32', dims: [1, 1], data: Float32Array.of(0.5) }],
  };
}

/** An Arrow IPC file of `columns`, as pyarrow or another client would write one. */
function arrowFile(columns: Record<string, Float64Array | string[] | Int32Array>): Buffer {
  const table = arrow.tableFromArrays(columns as Record<string, Float64Array>);
  return Buffer.from(arrow.tableToIPC(table, 'file'));
}

const validFile = (ids: string[], time = 1000): Buffer =>
  arrowFile({
    id: ids,
    time: Float64Array.from(ids, () => time),
    latency_ms: Float64Array.from(ids, () => 1),
    'in.x': Float64Array.from(ids, (_, i) => i),
  });

/** A local server forwarding to `target`, except for the requests `intercept` answers itself. */
async function proxy(
  target: string,
  intercept: (count: number, request: http.IncomingMessage, response: http.ServerResponse) => boolean,
  port = 0,
): Promise<{ url: string; count: () => number; close(): Promise<void> }> {
  let count = 0;
  const server = http.createServer((request, response) => {
    count += 1;
    if (intercept(count, request, response)) return;
    const forwarded = http.request(
      `${target}${request.url ?? ''}`,
      { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    count: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeEachStore(
  'prediction batches uploaded to a server',
  (store) => createListeningApp(store),
  (get) => {
    let server: ListeningApp;
    let url: string;
    const upload = (query: string, body: Buffer | string, type = ARROW) =>
      server.app.inject({
        method: 'POST',
        url: `${BATCHES}?${query}`,
        headers: { 'content-type': type },
        payload: body,
      });

    beforeAll(() => {
      server = get();
      url = `http://127.0.0.1:${server.port}`;
    });

    it('a remote recorder uploads its batches; the server stores them as a local flush, labels join', async () => {
      const errors: unknown[] = [];
      const recorder = remotePredictionRecorder(url, DEFAULT_PREDICTION_LOG, {
        onFlushError: (error) => errors.push(error),
      });
      for (let i = 0; i < 3; i += 1) {
        recorder.record(source('remote-a'), { id: `ra-${i}`, time: 100 + i, latencyMs: 2, ...request(i) });
      }
      await recorder.close();
      expect(errors).toEqual([]);
      const rows = await server.context.predictions.query({ deployment: 'remote-a' });
      expect(rows).toEqual(
        [0, 1, 2].map((i) => ({
          id: `ra-${i}`,
          deployment: 'remote-a',
          model: 'churn',
          version: 2,
          time: 100 + i,
          latency_ms: 2,
          inputs: { 'x.tenure': i, 'x.spend': i + 1 },
          outputs: { p: 0.5 },
          label: null,
        })),
      );
      const labels = await server.app.inject({
        method: 'POST',
        url: '/api/assay/v1/predictions/labels',
        payload: [
          { id: 'ra-1', label: 1 },
          { id: 'ra-9', label: 0 },
        ],
      });
      expect(labels.json()).toEqual({ accepted: 2, unknown: ['ra-9'] });
      const read = await server.app.inject({ url: '/api/assay/v1/predictions?deployment=remote-a&from=101' });
      expect(
        read.json().predictions.map((row: { id: string; label: unknown }) => [row.id, row.label]),
      ).toEqual([
        ['ra-1', 1],
        ['ra-2', null],
      ]);
    });

    it('retries on 5xx and on a lost answer, with the same batch id: stored once', async () => {
      // The first try is answered 503; the second reaches the server, whose answer is then cut off.
      const relay = await proxy(url, (count, incoming, response) => {
        if (count === 1) {
          incoming.resume();
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' }));
          return true;
        }
        if (count === 2) {
          const forwarded = http.request(
            `${url}${incoming.url ?? ''}`,
            {
              method: incoming.method,
              headers: incoming.headers,
            },
            (answer) => {
              answer.resume();
              answer.on('end', () => response.socket?.destroy());
            },
          );
          incoming.pipe(forwarded);
          return true;
        }
        return false;
      });
      const retries: [string, number][] = [];
      const errors: unknown[] = [];
      const recorder = remotePredictionRecorder(
        relay.url,
        DEFAULT_PREDICTION_LOG,
        { onFlushError: (error) => errors.push(error) },
        { backoffMs: 5, onRetry: (error, attempt) => retries.push([error.code, attempt]) },
      );
      recorder.record(source('remote-b'), { id: 'rb-1', time: 5, latencyMs: 1, ...request(0) });
      await recorder.close();
      await relay.close();
      expect(errors).toEqual([]);
      expect(retries).toEqual([
        ['TEMPORARILY_UNAVAILABLE', 1],
        ['TEMPORARILY_UNAVAILABLE', 2],
      ]);
      expect(relay.count()).toBe(3);
      expect(
        (await server.context.predictions.query({ deployment: 'remote-b' })).map((row) => row.id),
      ).toEqual(['rb-1']);
    });

    it('a server that stays unreachable: bounded tries, then the batch is counted lost and serving goes on', async () => {
      const closed = await proxy(url, () => false);
      const unreachable = closed.url;
      await closed.close();
      const errors: unknown[] = [];
      let tries = 0;
      const recorder = remotePredictionRecorder(
        unreachable,
        DEFAULT_PREDICTION_LOG,
        { onFlushError: (error) => errors.push(error) },
        { attempts: 3, backoffMs: 5, onRetry: () => (tries += 1) },
      );
      recorder.record(source('remote-c'), { id: 'rc-1', time: 5, latencyMs: 1, ...request(0) });
      await recorder.flush();
      expect(tries).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(AssayError);
      expect((errors[0] as AssayError).message).toBe(
        `Cannot upload 1 predictions of remote-c to the Assay server at ${unreachable}: connection refused (is the server running?)`,
      );
      // Recording goes on: once the server is back (on the same port), later batches get through.
      const back = await proxy(url, () => false, Number(new URL(unreachable).port));
      recorder.record(source('remote-c'), { id: 'rc-2', time: 6, latencyMs: 1, ...request(0) });
      await recorder.close();
      await back.close();
      expect(errors).toHaveLength(1);
      expect(
        (await server.context.predictions.query({ deployment: 'remote-c' })).map((row) => row.id),
      ).toEqual(['rc-2']);
    });

    it("a refusal (4xx) is not retried: the batch is counted lost with the server's reason", async () => {
      const errors: unknown[] = [];
      let tries = 0;
      const recorder = remotePredictionRecorder(
        url,
        DEFAULT_PREDICTION_LOG,
        { onFlushError: (error) => errors.push(error) },
        { backoffMs: 5, onRetry: () => (tries += 1) },
      );
      recorder.record(
        { ...source('remote-d'), modelName: '' },
        { id: 'rd-1', time: 5, latencyMs: 1, ...request(0) },
      );
      await recorder.close();
      expect(tries).toBe(0);
      expect(errors[0]).toBeInstanceOf(InvalidParameterError);
      expect((errors[0] as Error).message).toBe(
        `Cannot upload 1 predictions of remote-d to the Assay server at ${url}: model is required`,
      );
    });

    it('stores an uploaded file as given, for whichever model and version, read back with the version filter', async () => {
      const response = await upload(
        'deployment=up-a&model=not-registered&version=41',
        validFile(['u-1', 'u-2']),
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        batch: { id: expect.stringMatching(/^[0-9a-f]{32}$/), rows: 2, stored: true },
      });
      const rows = await server.context.predictions.query({ deployment: 'up-a', version: 41 });
      expect(rows.map((row) => [row.id, row.model, row.version, row.inputs])).toEqual([
        ['u-1', 'not-registered', 41, { x: 0 }],
        ['u-2', 'not-registered', 41, { x: 1 }],
      ]);
    });

    it('GET /predictions streams a large result batch by batch, oldest first, within the limit', async () => {
      const ids = (batch: number) => Array.from({ length: 5000 }, (_, i) => `s-${batch}-${i}`);
      for (let batch = 0; batch < 3; batch += 1) {
        const stored = await upload('deployment=big&model=m&version=1', validFile(ids(batch), 1000 + batch));
        expect(stored.statusCode).toBe(200);
      }
      const response = await fetch(`${url}/api/assay/v1/predictions?deployment=big&limit=12000`);
      expect(response.status).toBe(200);
      // Streamed: no length known up front.
      expect(response.headers.get('content-length')).toBeNull();
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      const body = (await response.json()) as { predictions: { id: string; time: number }[] };
      expect(body.predictions.map((prediction) => prediction.id)).toEqual(
        [...ids(0), ...ids(1), ...ids(2)].slice(0, 12000),
      );
      const none = await fetch(`${url}/api/assay/v1/predictions?deployment=nothing-here`);
      expect(await none.json()).toEqual({ predictions: [] });
      const latest = await fetch(`${url}/api/assay/v1/predictions?deployment=big&limit=2&latest=true`);
      expect(
        ((await latest.json()) as { predictions: { id: string }[] }).predictions.map((p) => p.id),
      ).toEqual(['s-2-4998', 's-2-4999']);
    });

    it('a batch id uploaded twice is stored once', async () => {
      const batch = 'ab'.repeat(16);
      const query = `deployment=up-b&model=m&version=1&batch=${batch}`;
      const first = await upload(query, validFile(['d-1']));
      const second = await upload(query, validFile(['d-1']));
      expect(first.json()).toEqual({ batch: { id: batch, rows: 1, stored: true } });
      expect(second.json()).toEqual({ batch: { id: batch, rows: 1, stored: false } });
      expect(await server.context.predictions.query({ deployment: 'up-b' })).toHaveLength(1);
    });

    it('refuses what is not a prediction batch, naming the problem, and stores nothing', async () => {
      const query = 'deployment=bad&model=m&version=1';
      const refused = async (response: Awaited<ReturnType<typeof upload>>) => {
        expect(response.statusCode).toBe(400);
        expect(response.json().error_code).toBe('INVALID_PARAMETER_VALUE');
        return response.json().message as string;
      };
      expect(await refused(await upload(query, 'not arrow at all, just text'))).toBe(
        'the body is not an Arrow IPC file (one starts and ends with the bytes ARROW1; an Arrow stream is not accepted)',
      );
      const table = arrow.tableFromArrays({
        id: ['a'],
        time: Float64Array.of(1),
        latency_ms: Float64Array.of(1),
      });
      expect(await refused(await upload(query, Buffer.from(arrow.tableToIPC(table, 'stream'))))).toMatch(
        /^the body is not an Arrow IPC file/,
      );
      const corrupt = validFile(['a']);
      corrupt.fill(7, 12, corrupt.length - 12);
      expect(await refused(await upload(query, corrupt))).toMatch(
        /^the body is not a readable Arrow IPC file: /,
      );
      expect(await refused(await upload(query, arrowFile({ id: ['a'], time: Float64Array.of(1) })))).toBe(
        "the Arrow file has no 'latency_ms' column",
      );
      expect(
        await refused(
          await upload(
            query,
            arrowFile({ id: Float64Array.of(1), time: Float64Array.of(1), latency_ms: Float64Array.of(1) }),
          ),
        ),
      ).toBe("column 'id' must hold strings, it holds Float64");
      expect(
        await refused(
          await upload(query, arrowFile({ id: ['a'], time: ['noon'], latency_ms: Float64Array.of(1) })),
        ),
      ).toMatch(/^column 'time' must hold numbers, it holds /);
      expect(
        await refused(
          await upload(
            query,
            arrowFile({
              id: ['a'],
              time: Float64Array.of(1),
              latency_ms: Float64Array.of(1),
              label: Float64Array.of(1),
            }),
          ),
        ),
      ).toBe("column 'label' is not a prediction column (id, time, latency_ms, in.NAME, out.NAME)");
      const empty = arrow.tableFromIPC(validFile(['a'])).slice(0, 0);
      expect(await refused(await upload(query, Buffer.from(arrow.tableToIPC(empty, 'file'))))).toBe(
        'the Arrow file has no rows',
      );
      expect(await refused(await upload(query, validFile(['a', ''])))).toBe("column 'id' is empty at row 1");
      expect(await refused(await upload(query, '{"id": "a"}', 'application/json'))).toBe(
        `The body must be a prediction batch as an Arrow IPC file, sent as ${ARROW}`,
      );
      expect(await server.context.predictions.query({ deployment: 'bad' })).toEqual([]);
    });

    it('refuses a source that is missing or malformed, naming the field', async () => {
      const file = validFile(['s-1']);
      const message = async (query: string) => {
        const response = await upload(query, file);
        expect(response.statusCode).toBe(400);
        return response.json().message as string;
      };
      expect(await message('model=m&version=1')).toBe('deployment is required');
      expect(await message('deployment=d&version=1')).toBe('model is required');
      expect(await message('deployment=d&model=m')).toBe('version is required');
      expect(await message('deployment=d&model=m&version=0')).toBe(
        "version must be a positive integer, got '0'",
      );
      expect(await message('deployment=d&model=m&version=-3')).toBe(
        "version must be a positive integer, got '-3'",
      );
      expect(await message('deployment=d&model=m&version=1.5')).toBe(
        "version must be a positive integer, got '1.5'",
      );
      expect(await message('deployment=d&model=m&version=two')).toBe(
        "version must be a positive integer, got 'two'",
      );
      expect(await message(`deployment=${'d'.repeat(257)}&model=m&version=1`)).toBe(
        'deployment is 257 characters long; at most 256',
      );
      expect(await message('deployment=d%0Ax&model=m&version=1')).toBe(
        'deployment contains control characters',
      );
      expect(await message('deployment=d&model=m&version=1&batch=../etc')).toBe(
        "batch must be 32 lowercase hex digits, got '../etc'",
      );
      expect(await server.context.predictions.query({ deployment: 'd' })).toEqual([]);
    });

    it('refuses a body declared larger than the limit before reading it', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const outgoing = http.request(
          `${url}${BATCHES}?deployment=big&model=m&version=1`,
          {
            method: 'POST',
            headers: { 'content-type': ARROW, 'content-length': String(MAX_BATCH_BYTES + 1) },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
            outgoing.destroy();
          },
        );
        outgoing.on('error', reject);
        outgoing.write(Buffer.alloc(1024));
      });
      expect(status).toBe(413);
    });

    it('the thread inspects a file the recorder encoded as the server reads it', async () => {
      const thread = new PredictionLogThread();
      const lowered = loweredThreads();
      try {
        const record = { id: 'enc-1', time: 7, latencyMs: 1, ...request(3) };
        const batch = PendingBatch.start(record, 1, new Map()) as PendingBatch;
        batch.append(record, 1, PendingBatch.sizeOf(record));
        const { batch: packed, transfer } = batch.pack();
        const encoded = await thread.encode(packed, transfer, null);
        expect(encoded).toMatchObject({ rows: 1, index: null, indexed: false });
        // Its bursts of work run below the HTTP and inference threads (Linux: a nice value per thread).
        if (fs.existsSync('/proc/self/task')) expect(loweredThreads()).toBe(lowered + 1);
        const inspected = await thread.inspect(encoded.bytes, { kind: 'json' });
        expect(inspected).toMatchObject({
          rows: 1,
          firstTime: 7,
          lastTime: 7,
          index: ['[["enc-1",0,7]]'],
          indexed: false,
        });
      } finally {
        await thread.close();
      }
    });
  },
);

/** Threads of this process at a nice value of 10 or more (Linux; 0 elsewhere). */
function loweredThreads(): number {
  if (!fs.existsSync('/proc/self/task')) return 0;
  return fs.readdirSync('/proc/self/task').filter((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis start at the third; nice is the 19th.
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      return nice >= 10;
    } catch {
      return false;
    }
  }).length;
}
