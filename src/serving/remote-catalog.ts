import { createHash } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import {
  AssayError,
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
  PayloadTooLargeError,
} from '../errors/assay-error.js';
import { MAX_MODEL_BYTES } from '../registry/model-registration-files.js';
import type { ModelSpec } from '../runtime/model-spec.js';
import { parseAssayServerUrl } from './assay-server-url.js';
import type { CatalogModel, ModelCatalog } from './model-catalog.js';
import { parseModelSpec } from './model-spec-json.js';

export interface RemoteCatalogOptions {
  /**
   * The largest model file this process downloads: a larger one is refused before its first byte.
   * Default: the most a single ONNX file can hold, as the registry accepts.
   */
  readonly maxModelBytes?: number | undefined;
  /**
   * How long resolve() and get() wait for the server (default 30 s): a serving process polls
   * aliases, and a poll must not hang on a server that accepted the connection and went silent.
   * Downloads have no overall deadline (a large model on a slow link takes what it takes); they
   * are bounded by size, and fail when the server sends nothing for this long.
   */
  readonly timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The models of an Assay server, over its HTTP API (`assay serve --uri`):
 * - resolve() of an alias asks the server every time (MLflow's `registered-models/alias`, one small
 *   request), so that a process polling it follows alias moves; a version number is its own answer,
 *   as in localCatalog;
 * - get() reads the version's spec from `/api/assay/v1/models/{name}/versions/{v}/runnable`, and
 *   readBytes() downloads `.../runnable/model`, checked against the spec's size and sha256.
 * Failures are AssayErrors whose message names the server and the model: the server's own error
 * (404 stays NotFoundError, INVALID_STATE stays InvalidStateError), an unreachable or failing
 * server (TEMPORARILY_UNAVAILABLE), an answer that is not what this endpoint sends.
 *
 * @example
 * const catalog = remoteCatalog('http://registry:5000');
 * const model = await catalog.get('fraud', await catalog.resolve({ name: 'fraud', version: null, alias: 'production' }));
 * const bytes = await model.readBytes();
 */
export function remoteCatalog(baseUrl: string, options: RemoteCatalogOptions = {}): ModelCatalog {
  const server = new AssayServer(baseUrl, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxModelBytes = options.maxModelBytes ?? MAX_MODEL_BYTES;
  return {
    async resolve(selector) {
      if (selector.version !== null) return selector.version;
      const doing = `resolve ${selector.name}@${String(selector.alias)}`;
      const query = new URLSearchParams({ name: selector.name, alias: String(selector.alias) });
      const body = await server.json(`/api/2.0/mlflow/registered-models/alias?${query}`, doing);
      const version = field(field(body, 'model_version'), 'version');
      if (typeof version !== 'string' || !/^[1-9]\d{0,15}$/.test(version)) {
        throw server.malformed(doing, 'no model_version.version in its answer');
      }
      return Number(version);
    },

    async get(name, version) {
      const path = `/api/assay/v1/models/${encodeURIComponent(name)}/versions/${version}/runnable`;
      const doing = `get model ${name}/${version}`;
      const body = await server.json(path, doing);
      if (field(body, 'name') !== name || field(body, 'version') !== version) {
        throw server.malformed(doing, `it answered for another model version`);
      }
      const parsed = parseModelSpec(field(body, 'spec'));
      if ('problem' in parsed) throw server.malformed(doing, parsed.problem);
      const spec = parsed.spec;
      return {
        name,
        version,
        spec,
        readBytes: () =>
          download(server, `${path}/model`, `download model ${name}/${version}`, spec, maxModelBytes),
      } satisfies CatalogModel;
    },
  };
}

/**
 * The model file into one buffer of its registered size (collecting chunks and joining them would
 * hold it twice), hashed as it arrives. Anything but the registered bytes is refused: a size the
 * spec does not have, more bytes than it says, a different sha256.
 */
async function download(
  server: AssayServer,
  path: string,
  doing: string,
  spec: ModelSpec,
  maxBytes: number,
): Promise<Buffer> {
  if (spec.sizeBytes > maxBytes) {
    throw new PayloadTooLargeError(
      `${server.cannot(doing)}: the model file is ${spec.sizeBytes} bytes, more than the ${maxBytes} this process accepts`,
    );
  }
  const response = await server.get(path, doing, { deadline: false });
  const changed = (detail: string): InvalidStateError =>
    new InvalidStateError(
      `${server.cannot(doing)}: the server sent a different file than was registered: ${detail}`,
    );
  const length = response.headers['content-length'];
  const sha256Header = response.headers['x-assay-sha256'];
  if (length !== undefined && Number(length) !== spec.sizeBytes) {
    response.destroy();
    throw changed(`${length} bytes, registered ${spec.sizeBytes}`);
  }
  if (typeof sha256Header === 'string' && sha256Header !== spec.sha256) {
    response.destroy();
    throw changed(`sha256 ${sha256Header}, registered ${spec.sha256}`);
  }
  const bytes = Buffer.allocUnsafe(spec.sizeBytes);
  const hash = createHash('sha256');
  let received = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      // Leaving the loop by a throw destroys the response: nothing past the registered size is read.
      if (received + chunk.length > bytes.length)
        throw changed(`more than the registered ${spec.sizeBytes} bytes`);
      chunk.copy(bytes, received);
      hash.update(chunk);
      received += chunk.length;
    }
  } catch (error) {
    if (error instanceof AssayError) throw error;
    throw server.unavailable(doing, error);
  }
  if (received < bytes.length) {
    throw server.unavailable(
      doing,
      new Error(`the download ended after ${received} of ${spec.sizeBytes} bytes`),
    );
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== spec.sha256) throw changed(`sha256 ${sha256}, registered ${spec.sha256}`);
  return bytes;
}

/** A JSON answer larger than this is not one of these endpoints' (a spec is a few KB). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * An Assay server's base URL, and how its answers and failures become errors naming it. Over
 * node:http rather than fetch: fetch's web streams downloaded a 100 MB model 3-8x slower here.
 */
class AssayServer {
  /** For messages: the URL without credentials. */
  private readonly display: string;
  private readonly headers: Record<string, string> = {};

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    const server = parseAssayServerUrl(baseUrl);
    Object.assign(this.headers, server.headers);
    this.display = server.base;
  }

  /**
   * The answer to GET `path` when it is a 2xx, else the server's error. `deadline: false` for
   * downloads; otherwise the whole exchange, body included, must end within the timeout.
   */
  get(path: string, doing: string, options: { deadline: boolean }): Promise<IncomingMessage> {
    const url = new URL(`${this.display}${path}`);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let answer: IncomingMessage | undefined;
      const request = client.get(
        url,
        {
          headers: this.headers,
          ...(options.deadline ? { signal: AbortSignal.timeout(this.timeoutMs) } : {}),
        },
        (response) => {
          answer = response;
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(response);
          else this.failed(response, doing).then(reject, reject);
        },
      );
      // node:http never gives up on a silent socket by itself: a download that stops mid-way would
      // hang its reader forever. The error goes to whoever reads at that moment.
      if (!options.deadline) {
        request.setTimeout(this.timeoutMs, () => {
          const stalled = new StalledError(this.timeoutMs);
          answer?.destroy(stalled);
          request.destroy(stalled);
        });
      }
      request.on('error', (error) => reject(this.unavailable(doing, error)));
    });
  }

  async json(path: string, doing: string): Promise<unknown> {
    const response = await this.get(path, doing, { deadline: true });
    const text = await this.text(response, doing);
    if (text === null) throw this.malformed(doing, `its answer is larger than ${MAX_JSON_BYTES} bytes`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.malformed(doing, `its answer is not JSON: ${excerpt(text)}`);
    }
  }

  cannot(doing: string): string {
    return `Cannot ${doing} from the Assay server at ${this.display}`;
  }

  /** The server could not be reached, or stopped answering: this process can only wait and retry. */
  unavailable(doing: string, error: unknown): AssayError {
    return new AssayError(
      'TEMPORARILY_UNAVAILABLE',
      `${this.cannot(doing)}: ${this.networkReason(error)}`,
      503,
    );
  }

  /** An answer this endpoint does not send: another server, a proxy's page, a truncated body. */
  malformed(doing: string, problem: string): AssayError {
    return new AssayError('INTERNAL_ERROR', `${this.cannot(doing)}: unexpected answer: ${problem}`, 502);
  }

  /** The server's error, as the same kind of error here. */
  private async failed(response: IncomingMessage, doing: string): Promise<AssayError> {
    const status = response.statusCode ?? 0;
    const text = (await this.text(response, doing).catch(() => null)) ?? '';
    let code: unknown;
    let reason = `HTTP ${status}${text ? `: ${excerpt(text)}` : ''}`;
    try {
      const parsed = JSON.parse(text) as unknown;
      code = field(parsed, 'error_code');
      const message = field(parsed, 'message');
      if (typeof message === 'string' && message !== '') reason = message;
    } catch {
      // not JSON (a proxy's page): the status and the text say what happened
    }
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location)
      reason = `HTTP ${status}, redirected to ${location}: use that URL`;
    const message = `${this.cannot(doing)}: ${reason}`;
    if (status === 404) return new NotFoundError(message);
    if (code === 'INVALID_STATE') return new InvalidStateError(message);
    if (status < 500) return new InvalidParameterError(message);
    return new AssayError('TEMPORARILY_UNAVAILABLE', message, 503);
  }

  /** The body as text, or null past MAX_JSON_BYTES (the rest is not read). */
  private async text(response: IncomingMessage, doing: string): Promise<string | null> {
    const parts: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > MAX_JSON_BYTES) return null;
        parts.push(chunk);
      }
    } catch (error) {
      throw this.unavailable(doing, error);
    }
    return Buffer.concat(parts, total).toString('utf8');
  }

  private networkReason(error: unknown): string {
    const failure = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | null;
    const cause = failure?.cause as { name?: unknown } | undefined;
    if (error instanceof StalledError) return error.message;
    if (failure?.name === 'TimeoutError' || cause?.name === 'TimeoutError') {
      return `no answer within ${this.timeoutMs} ms`;
    }
    if (failure?.code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
    if (failure?.code === 'ECONNRESET') return 'the connection was closed before the answer was complete';
    return typeof failure?.message === 'string' && failure.message !== '' ? failure.message : String(error);
  }
}

/** No byte from the server for the timeout (the socket is still open). */
class StalledError extends Error {
  constructor(ms: number) {
    super(`the server sent nothing for ${ms} ms`);
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
