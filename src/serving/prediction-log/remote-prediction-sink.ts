import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { AssayError, InvalidParameterError, PayloadTooLargeError } from '../../errors/assay-error.js';
import { parseAssayServerUrl } from '../assay-server-url.js';
import type { PredictionFile, PredictionSink } from './prediction-sink.js';

export interface RemoteSinkOptions {
  /** Tries per batch, the first included (default 5). */
  readonly attempts?: number | undefined;
  /** The wait before the second try (default 500 ms), doubled for each next one up to `maxBackoffMs`. */
  readonly backoffMs?: number | undefined;
  /** Default 8 s: with 5 tries, a batch is given up about 7.5 s after its first failure. */
  readonly maxBackoffMs?: number | undefined;
  /** How long one upload may take, answer included (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** A failed try that will be tried again, for the process's log. */
  readonly onRetry?: ((error: AssayError, attempt: number, delayMs: number) => void) | undefined;
}

/** The server's upload endpoint, under its base URL. */
export const PREDICTION_BATCHES_PATH = '/api/assay/v1/predictions/batches';
export const ARROW_FILE_TYPE = 'application/vnd.apache.arrow.file';

/** An answer larger than this is not the endpoint's (it answers a few hundred bytes). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Batches to an Assay server (`assay serve --uri`, a serving process that opened no store): each
 * Arrow file is uploaded to `POST /api/assay/v1/predictions/batches`, which stores it as a local
 * flush would. An upload that fails because the server is unreachable, slow or failing (5xx, 429)
 * is tried again after a growing wait, a bounded number of times; meanwhile the log's buffer bound
 * still holds, so new records are dropped and counted rather than queued without end. A refusal
 * (4xx: the file or its source is wrong) is not retried. Every try names the batch by its id, so a
 * try that stored the batch but lost its answer is not stored twice.
 */
export class RemotePredictionSink implements PredictionSink {
  private readonly url: URL;
  /** For messages: the server's URL without credentials. */
  private readonly display: string;
  private readonly headers: Record<string, string> = {};
  private readonly agent: http.Agent;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutMs: number;

  constructor(
    serverUrl: string,
    private readonly options: RemoteSinkOptions = {},
  ) {
    const server = parseAssayServerUrl(serverUrl);
    Object.assign(this.headers, server.headers);
    this.display = server.base;
    this.url = new URL(`${this.display}${PREDICTION_BATCHES_PATH}`);
    this.agent = new (server.https ? https.Agent : http.Agent)({
      keepAlive: true,
      maxSockets: 2,
    });
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.backoffMs = options.backoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 8000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async indexFor(): Promise<null> {
    return null;
  }

  async write(file: PredictionFile): Promise<boolean> {
    let delay = this.backoffMs;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.upload(file);
      } catch (error) {
        const failure =
          error instanceof AssayError ? error : new AssayError('INTERNAL_ERROR', String(error), 500);
        if (!retryable(failure) || attempt >= this.attempts) throw failure;
        // Up to a fifth less: replicas that lost the server at once do not come back at once.
        const wait = Math.round(delay * (0.8 + 0.2 * Math.random()));
        this.options.onRetry?.(failure, attempt, wait);
        await new Promise((resolve) => setTimeout(resolve, wait));
        delay = Math.min(delay * 2, this.maxBackoffMs);
      }
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private upload(file: PredictionFile): Promise<boolean> {
    const url = new URL(this.url);
    url.search = new URLSearchParams({
      deployment: file.source.deployment,
      model: file.source.modelName,
      version: String(file.source.modelVersion),
      batch: file.id,
    }).toString();
    const doing = `upload ${file.rows} predictions of ${file.source.deployment}`;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<boolean>((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...this.headers,
            'content-type': ARROW_FILE_TYPE,
            'content-length': String(file.bytes.byteLength),
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => {
          answer(response).then(
            (text) => {
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) resolve(this.stored(text, doing));
              else reject(this.refused(status, text, doing));
            },
            (error: unknown) => reject(this.unavailable(doing, error)),
          );
        },
      );
      request.on('error', (error) => reject(this.unavailable(doing, error)));
      request.end(file.bytes);
    });
  }

  private stored(text: string, doing: string): boolean {
    try {
      const stored = (JSON.parse(text) as { batch?: { stored?: unknown } }).batch?.stored;
      if (typeof stored === 'boolean') return stored;
    } catch {
      // not JSON: below
    }
    throw new AssayError('INTERNAL_ERROR', `${this.cannot(doing)}: unexpected answer: ${excerpt(text)}`, 502);
  }

  /** The server's error: its message, as the same kind of error here. */
  private refused(status: number, text: string, doing: string): AssayError {
    let reason = `HTTP ${status}${text ? `: ${excerpt(text)}` : ''}`;
    try {
      const message = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof message === 'string' && message !== '') reason = message;
    } catch {
      // not JSON (a proxy's page): the status and the text say what happened
    }
    const message = `${this.cannot(doing)}: ${reason}`;
    if (status === 413) return new PayloadTooLargeError(message);
    if (status < 500 && status !== 429) return new InvalidParameterError(message);
    return new AssayError('TEMPORARILY_UNAVAILABLE', message, 503);
  }

  private unavailable(doing: string, error: unknown): AssayError {
    const failure = error as { name?: unknown; code?: unknown; message?: unknown } | null;
    let reason =
      typeof failure?.message === 'string' && failure.message !== '' ? failure.message : String(error);
    if (failure?.name === 'TimeoutError' || failure?.name === 'AbortError')
      reason = `no answer within ${this.timeoutMs} ms`;
    else if (failure?.code === 'ECONNREFUSED') reason = 'connection refused (is the server running?)';
    else if (failure?.code === 'ECONNRESET')
      reason = 'the connection was closed before the answer was complete';
    return new AssayError('TEMPORARILY_UNAVAILABLE', `${this.cannot(doing)}: ${reason}`, 503);
  }

  private cannot(doing: string): string {
    return `Cannot ${doing} to the Assay server at ${this.display}`;
  }
}

/** Worth another try: the server was unreachable, failing, or asked to slow down. */
function retryable(error: AssayError): boolean {
  return error.httpStatus >= 500 || error.httpStatus === 429;
}

/** The answer's body as text, at most MAX_ANSWER_BYTES of it. */
async function answer(response: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (total < MAX_ANSWER_BYTES) parts.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, MAX_ANSWER_BYTES);
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}
