import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyError } from 'fastify';
import { ServiceUnavailableError } from '../../errors/assay-error.js';
import type { ModelServer } from '../../serving/model-server.js';
import type { PredictionRecorder } from '../../serving/prediction-log/prediction-recorder.js';
import type { InferenceProtocol, ServingMetrics } from '../../serving/serving-metrics.js';
import { toErrorResponse } from '../error-handler.js';
import type { InferenceAnswer, InferenceExchange } from './inference-exchange.js';
import { kserveV2Infer } from './kserve-v2-infer.js';
import { mlflowInvocations } from './mlflow-invocations.js';
import { BodyBuffers, readRequestBody } from './request-body.js';

export interface InferenceFrontOptions {
  readonly server: ModelServer;
  /** Where requests are counted and timed; null counts nothing. */
  readonly metrics: ServingMetrics | null;
  /** Where answered predictions go; null logs nothing. */
  readonly log: PredictionRecorder | null;
  readonly logger: FastifyBaseLogger;
  readonly bodyLimitBytes: number;
  /** True once the server is shutting down: new requests get 503 and the connection closes. */
  readonly closing: () => boolean;
}

/** An inference POST the front answers: its protocol, the deployment it names and the version. */
interface Target {
  readonly protocol: InferenceProtocol;
  readonly name: string | null;
  readonly version: string | undefined;
}

/**
 * The inference endpoints (`POST /v2/models/{name}[/versions/{v}]/infer`, `POST /invocations`,
 * `POST /models/{name}/invocations`) answered on node:http directly, ahead of Fastify, which serves
 * everything else (metadata, probes, the API). These are the hot path of a serving process: a
 * one-row request costs a few tens of microseconds of HTTP work, and Fastify's routing, hooks,
 * reply object and stream-based send roughly double that (measured in bench:serving's point 0:
 * bare Fastify answers 69% of bare node:http's requests/s on the same body). What the routes need
 * from a framework — a body limit, errors in each protocol's shape, Retry-After, 503 while closing,
 * metrics and the request log — is here, in one place.
 *
 * Returns a handler that answers and returns true for an inference request, false for anything else.
 */
export function inferenceFront(
  given: InferenceFrontOptions,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const options: Front = { ...given, refused: refusalWarning(given.logger), buffers: new BodyBuffers() };
  return (request, response) => {
    if (request.method !== 'POST') return false;
    const target = inferenceTarget(request.url ?? '');
    if (target === null) return false;
    void answer(options, target, request, response);
    return true;
  };
}

/** The front's options and its own state. */
interface Front extends InferenceFrontOptions {
  /** Counts a refused request (503, 504), warning of refusals at most every REFUSAL_WARNING_MS. */
  readonly refused: () => void;
  /** Large bodies' memory, taken back once each request is answered. */
  readonly buffers: BodyBuffers;
}

/** How often at most refused requests are warned of in the log (each is counted in /metrics). */
const REFUSAL_WARNING_MS = 10_000;

function refusalWarning(logger: FastifyBaseLogger): () => void {
  let warnedAt = Number.NEGATIVE_INFINITY;
  let since = 0;
  return () => {
    since += 1;
    const now = performance.now();
    if (now - warnedAt < REFUSAL_WARNING_MS) return;
    logger.warn(
      { refused: since },
      'requests refused: a full queue or shutdown (503), or a deadline passed while queued (504); see assay_inference_rejected_total',
    );
    warnedAt = now;
    since = 0;
  };
}

async function answer(
  options: Front,
  target: Target,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const exchange: InferenceExchange = {
    headers: request.headers,
    body: EMPTY,
    startedAt: performance.now(),
    responseHeaders: {},
    routed: null,
  };
  let status: number;
  try {
    if (options.closing()) {
      response.shouldKeepAlive = false;
      throw new ServiceUnavailableError('The server is shutting down', 1);
    }
    (exchange as { body: Buffer }).body = await readRequestBody(
      request,
      options.bodyLimitBytes,
      target.protocol === 'kserve_v2' ? binaryPartOffset(request) : null,
      options.buffers,
    );
    const answered: InferenceAnswer =
      target.protocol === 'kserve_v2'
        ? await kserveV2Infer(options.server, options.log, exchange, target.name as string, target.version)
        : await mlflowInvocations(options.server, options.log, exchange, target.name);
    status = answered.status;
    const headers = { ...exchange.responseHeaders, ...answered.headers };
    // A request that was in flight when shutdown began closes its connection once answered.
    if (options.closing()) headers.connection = 'close';
    send(response, status, answered.contentType, headers, answered.body);
  } catch (error) {
    status = fail(options, target, exchange, request, response, error);
  }
  finished(options, target, exchange, request, status);
  options.buffers.give(exchange.body);
}

/** Maps an error to the protocol's error shape (KServe v2 `{"error"}`, MLflow `{error_code, message}`). */
function fail(
  options: Front,
  target: Target,
  exchange: InferenceExchange,
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
): number {
  const { status, body } = toErrorResponse(error as FastifyError);
  const headers = { ...exchange.responseHeaders };
  if (error instanceof ServiceUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
  else if (status >= 500) options.logger.error({ err: error, url: request.url }, 'inference failed');
  // The rest of an oversized body is not read: the connection cannot carry another request.
  if (status === 413) response.shouldKeepAlive = false;
  const json = JSON.stringify(target.protocol === 'kserve_v2' ? { error: body.message } : body);
  if (response.headersSent) response.destroy();
  else send(response, status, 'application/json', headers, json);
  return status;
}

/** Metrics, the canary's halt rules and the request log, once the request is answered. */
function finished(
  options: Front,
  target: Target,
  exchange: InferenceExchange,
  request: IncomingMessage,
  status: number,
): void {
  const elapsedMs = performance.now() - exchange.startedAt;
  const routed = exchange.routed;
  routed?.deployment.answered(routed.model, status, elapsedMs);
  options.metrics?.requestAnswered(
    {
      // A request never routed counts as '(unknown)': clients cannot grow the label set.
      model: routed?.deployment.name ?? '(unknown)',
      version: routed?.model.version ?? '',
      protocol: target.protocol,
    },
    status,
    elapsedMs / 1000,
  );
  // A line per answered prediction would cost the HTTP thread a tenth of a one-row request's time
  // (measured): answers and refusals are logged at debug (refusals warned of, in sum, above);
  // requests that failed are logged at warn (the client's fault) or error (the server's).
  const refusal = status === 503 || status === 504;
  if (refusal) options.refused();
  const level = status < 400 || refusal ? 'debug' : status >= 500 ? 'error' : 'warn';
  // Most requests log at debug, which is usually off: no line is built for them then.
  if (level === 'debug' && !DEBUG_LEVELS.has(options.logger.level)) return;
  const line = {
    method: 'POST',
    url: request.url,
    status,
    durationMs: Math.round(elapsedMs * 100) / 100,
    remote: request.socket.remoteAddress,
  };
  options.logger[level](line, 'request');
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  headers: Record<string, string>,
  body: Buffer | string,
): void {
  // `headers` is the caller's own object, made for this response.
  headers['content-type'] = contentType;
  headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  response.writeHead(status, headers);
  // A string body goes out with the headers in one write; a Buffer takes a second (writev).
  response.end(body);
}

const EMPTY = Buffer.alloc(0);

/** The logger levels at which a debug line is written. */
const DEBUG_LEVELS = new Set(['debug', 'trace']);

/** Where a KServe v2 body's binary part starts, as its header says (checked when decoded), or null. */
function binaryPartOffset(request: IncomingMessage): number | null {
  const value = request.headers['inference-header-content-length'];
  const offset = typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : null;
}

/**
 * The inference endpoint a URL names, or null. Names are percent-decoded as Fastify decodes path
 * parameters; a trailing slash is ignored as the rest of the server ignores it.
 */
export function inferenceTarget(url: string): Target | null {
  const query = url.indexOf('?');
  let path = query < 0 ? url : url.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === '/invocations') return { protocol: 'mlflow', name: null, version: undefined };
  const parts = path.split('/');
  // ['', 'models', name, 'invocations']
  if (parts.length === 4 && parts[1] === 'models' && parts[3] === 'invocations') {
    const name = segment(parts[2] as string);
    return name === null ? null : { protocol: 'mlflow', name, version: undefined };
  }
  if (parts[1] !== 'v2' || parts[2] !== 'models' || parts.at(-1) !== 'infer') return null;
  // ['', 'v2', 'models', name, 'infer'] or ['', 'v2', 'models', name, 'versions', v, 'infer']
  if (parts.length === 5) {
    const name = segment(parts[3] as string);
    return name === null ? null : { protocol: 'kserve_v2', name, version: undefined };
  }
  if (parts.length === 7 && parts[4] === 'versions') {
    const name = segment(parts[3] as string);
    const version = segment(parts[5] as string);
    return name === null || version === null ? null : { protocol: 'kserve_v2', name, version };
  }
  return null;
}

function segment(text: string): string | null {
  if (text === '') return null;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
