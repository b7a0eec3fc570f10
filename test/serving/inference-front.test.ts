import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  InvalidParameterError,
  ServiceUnavailableError,
} from '../../src/errors/assay-error.js';
import { inferenceFront, inferenceTarget } from '../../src/server/inference/inference-front.js';
import type { ModelCatalog } from '../../src/serving/model-catalog.js';
import { ModelServer, type Routed } from '../../src/serving/model-server.js';
import { ServingMetrics } from '../../src/serving/serving-metrics.js';

describe('inferenceTarget', () => {
  it.each([
    ['/invocations', { protocol: 'mlflow', name: null, version: undefined }],
    ['/invocations/?x=1', { protocol: 'mlflow', name: null, version: undefined }],
    ['/models/fraud/invocations', { protocol: 'mlflow', name: 'fraud', version: undefined }],
    ['/v2/models/fraud/infer', { protocol: 'kserve_v2', name: 'fraud', version: undefined }],
    ['/v2/models/fraud/infer/', { protocol: 'kserve_v2', name: 'fraud', version: undefined }],
    ['/v2/models/fr%20aud/versions/3/infer?a=b', { protocol: 'kserve_v2', name: 'fr aud', version: '3' }],
  ])('%s', (url, target) => {
    expect(inferenceTarget(url)).toEqual(target);
  });

  it.each([
    '/v2/models/fraud',
    '/v2/models//infer',
    '/v2/models/fraud/versions/infer',
    '/v2/models/%E0%A4%A/infer',
    '/models/fraud/invocations/more',
    '/api/2.0/mlflow/experiments/create',
  ])('%s is not an inference endpoint', (url) => {
    expect(inferenceTarget(url)).toBeNull();
  });
});

/** A ModelServer whose routing throws the error a test sets: the error mapping, apart from any model. */
class FailingServer extends ModelServer {
  error: Error = new Error('unset');
  override route(): Routed {
    throw this.error;
  }
}

describe('the inference front', () => {
  const none: ModelCatalog = {
    resolve: () => Promise.reject(new Error('no models')),
    get: () => Promise.reject(new Error('no models')),
  };
  const models = new FailingServer(none);
  let closing = false;
  let http: Server;
  let base: string;
  /** The front's log lines, as JSON. */
  const lines: { level: number; msg: string; status?: number; refused?: number }[] = [];
  beforeAll(async () => {
    const logger = pino(
      { level: 'debug' },
      { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
    );
    const front = inferenceFront({
      server: models,
      metrics: new ServingMetrics(),
      log: null,
      logger,
      bodyLimitBytes: 1024,
      closing: () => closing,
    });
    http = createServer((request, response) => {
      if (!front(request, response)) response.writeHead(404).end('not inference');
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
  });
  const post = (path: string, body = '{}', headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('a full queue: 503 with Retry-After, as {"error"} on KServe v2, with the prediction id', async () => {
    models.error = new ServiceUnavailableError('queue full', 1);
    const response = await post('/v2/models/m/infer', '{}', { 'x-assay-prediction-id': 'p-1' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('x-assay-prediction-id')).toBe('p-1');
    expect(await response.json()).toEqual({ error: 'queue full' });
    // The first refusal is warned of at once, with how many were refused since the last warning.
    expect(lines.filter((line) => line.msg.startsWith('requests refused'))).toEqual([
      expect.objectContaining({ level: 40, refused: 1 }),
    ]);
  });

  it('logs refusals at debug and warns of them at most every 10 s; client errors at warn, server errors at error', async () => {
    lines.length = 0;
    models.error = new ServiceUnavailableError('queue full', 1);
    for (let i = 0; i < 3; i += 1) expect((await post('/v2/models/m/infer')).status).toBe(503);
    models.error = new DeadlineExceededError('too late');
    expect((await post('/v2/models/m/infer')).status).toBe(504);
    models.error = new InvalidParameterError("Input 'x': missing");
    expect((await post('/v2/models/m/infer')).status).toBe(400);
    models.error = new TypeError('undefined is not a function');
    expect((await post('/v2/models/m/infer')).status).toBe(500);
    const DEBUG = 20;
    const WARN = 40;
    const ERROR = 50;
    expect(lines.filter((line) => line.msg === 'request').map((line) => [line.status, line.level])).toEqual([
      [503, DEBUG],
      [503, DEBUG],
      [503, DEBUG],
      [504, DEBUG],
      [400, WARN],
      [500, ERROR],
    ]);
    // The first test's refusal was warned of (and counted) less than 10 s ago: these four are not yet.
    expect(lines.filter((line) => line.msg.startsWith('requests refused'))).toEqual([]);
  });

  it('a passed deadline: 504; bad input: 400; MLflow routes answer error_code and message', async () => {
    models.error = new DeadlineExceededError('too late');
    const late = await post('/models/m/invocations');
    expect(late.status).toBe(504);
    expect(late.headers.get('retry-after')).toBeNull();
    // Generated ids are time-ordered (UUIDv7), so that the log's id index grows at its end.
    expect(late.headers.get('x-assay-prediction-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await late.json()).toEqual({ error_code: 'DEADLINE_EXCEEDED', message: 'too late' });
    models.error = new InvalidParameterError("Input 'x': missing");
    const bad = await post('/v2/models/m/versions/2/infer');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "Input 'x': missing" });
  });

  it('anything unexpected: a bare 500, never the stack', async () => {
    models.error = new TypeError('undefined is not a function');
    const response = await post('/v2/models/m/infer');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'Internal server error' });
  });

  it('a body over the limit: 413 in the protocol shape, declared or streamed', async () => {
    const declared = await post('/models/m/invocations', 'x'.repeat(2000));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      error_code: 'BAD_REQUEST',
      message: expect.stringMatching(/larger than the server allows/),
    });
    const streamed = await fetch(`${base}/v2/models/m/infer`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode('y'.repeat(400)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual({ error: expect.stringMatching(/larger than the server allows/) });
  });

  it('anything but an inference POST is left to the rest of the server', async () => {
    expect(await (await fetch(`${base}/v2/models/m/infer`)).text()).toBe('not inference');
    expect(await (await post('/v2/models/m')).text()).toBe('not inference');
  });

  it('while shutting down: 503 and the connection closes', async () => {
    closing = true;
    try {
      const response = await post('/v2/models/m/infer');
      expect(response.status).toBe(503);
      expect(response.headers.get('connection')).toBe('close');
      expect(await response.json()).toEqual({ error: 'The server is shutting down' });
    } finally {
      closing = false;
    }
  });
});
