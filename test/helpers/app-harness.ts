import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { openAssay, type AssayContext } from '../../src/context.js';
import { buildApp } from '../../src/server/app.js';
import type { FreshStore } from './stores.js';

export interface AppHarness {
  readonly app: FastifyInstance;
  readonly context: AssayContext;
  readonly store: FreshStore;
  readonly mlflow: MlflowHttp;
  close(): Promise<void>;
}

export interface HttpResult {
  readonly status: number;
  readonly contentType: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  readonly body: any;
  readonly text: string;
}

/**
 * Calls the API in-process the way MLflow's Python client does: GET with query parameters,
 * other methods with a JSON body and `Content-Type: application/json`.
 */
export class MlflowHttp {
  constructor(
    private readonly app: FastifyInstance,
    private readonly prefix = '/api/2.0/mlflow',
  ) {}

  get(
    path: string,
    query: Record<string, string | number | readonly (string | number)[] | undefined> = {},
  ): Promise<HttpResult> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    const qs = search.toString();
    return this.request('GET', `${this.prefix}/${path}${qs ? `?${qs}` : ''}`);
  }

  post(path: string, body: unknown = {}): Promise<HttpResult> {
    return this.request('POST', `${this.prefix}/${path}`, body);
  }

  patch(path: string, body: unknown = {}): Promise<HttpResult> {
    return this.request('PATCH', `${this.prefix}/${path}`, body);
  }

  delete(path: string, body: unknown = {}): Promise<HttpResult> {
    return this.request('DELETE', `${this.prefix}/${path}`, body);
  }

  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const response = await this.app.inject({
      method,
      url,
      ...(body === undefined
        ? {}
        : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const contentType = String(response.headers['content-type'] ?? '');
    const text = response.body;
    return {
      status: response.statusCode,
      contentType,
      body: contentType.includes('application/json') && text ? JSON.parse(text) : text,
      text,
    };
  }
}

/** A fully wired app over a fresh store, with logging silenced. */
export async function createAppHarness(
  store: FreshStore,
  options: { now?: () => number; artifactUploadLimitBytes?: number; bodyLimitBytes?: number } = {},
): Promise<AppHarness> {
  const context = await openAssay({ store: store.storeUri, artifacts: store.artifactsDir, now: options.now });
  const app = await buildApp({
    context,
    logger: pino({ level: 'silent' }),
    bodyLimitBytes: options.bodyLimitBytes ?? 32 * 1024 * 1024,
    artifactUploadLimitBytes: options.artifactUploadLimitBytes ?? 1024 * 1024 * 1024,
  });
  await app.ready();
  return {
    app,
    context,
    store,
    mlflow: new MlflowHttp(app),
    close: async () => {
      await app.close();
      await context.close();
    },
  };
}
