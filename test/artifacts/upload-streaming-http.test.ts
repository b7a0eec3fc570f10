import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { createListeningApp, type ListeningApp } from './support/listening-app.js';
import { rawRequest } from './support/raw-http.js';

const MIB = 1024 * 1024;
const SMALL_LIMIT = 256 * 1024;
const BASE = '/api/2.0/mlflow-artifacts/artifacts';

interface OpenUpload {
  readonly request: http.ClientRequest;
  readonly response: Promise<{ status: number; headers: http.IncomingHttpHeaders; json: unknown }>;
}

/** An upload whose body the test writes (or abandons) itself. */
function openUpload(port: number, target: string, headers: Record<string, string | number>): OpenUpload {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: target,
    headers,
    agent: false,
  });
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; json: unknown }>(
    (resolve, reject) => {
      request.on('error', reject);
      request.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            json: text ? JSON.parse(text) : undefined,
          });
        });
      });
    },
  );
  request.flushHeaders();
  return { request, response };
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeEachStore(
  'artifact uploads over real HTTP: limits and failures',
  async (store) => {
    const server = await createListeningApp(store, { artifactUploadLimitBytes: SMALL_LIMIT });
    return { server, close: () => server.close() };
  },
  (get) => {
    let server: ListeningApp;
    beforeAll(() => {
      server = get().server;
    });

    it('answers a declared size over the limit with 413 before reading the body, and closes the connection', async () => {
      const upload = openUpload(server.port, `${BASE}/limits/declared.bin`, {
        'content-type': 'application/octet-stream',
        'content-length': 10 * 1024 * MIB,
      });
      upload.request.write(Buffer.alloc(1024));
      const response = await upload.response;
      upload.request.destroy();
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe('close');
      expect(response.json).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: `Artifact is larger than the upload limit of ${SMALL_LIMIT} bytes`,
      });
      expect(await filesUnder(path.join(server.store.artifactsDir, 'limits'))).toEqual([]);
    });

    it('answers a chunked upload that grows past the limit with 413 once the client has sent it, leaving nothing', async () => {
      const response = await rawRequest(server.port, 'PUT', `${BASE}/limits/chunked.bin`, {
        body: Readable.from(
          (function* () {
            for (let index = 0; index < 8; index += 1) yield randomBytes(64 * 1024);
          })(),
        ),
        headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      });
      expect(response.status).toBe(413);
      expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(await filesUnder(server.store.artifactsDir)).toEqual([]);
      // The connection was kept usable: the next request on a fresh one works as ever.
      expect((await rawRequest(server.port, 'GET', '/health')).status).toBe(200);
    });

    it('leaves no file, not even a partial one, when the client goes away mid-upload', async () => {
      const upload = openUpload(server.port, `${BASE}/aborted/model.bin`, {
        'content-type': 'application/octet-stream',
        'content-length': 200 * 1024,
      });
      upload.response.catch(() => undefined);
      upload.request.write(randomBytes(100 * 1024));
      await eventually(async () => (await filesUnder(server.store.artifactsDir)).length > 0);
      upload.request.destroy();
      await eventually(async () => (await filesUnder(server.store.artifactsDir)).length === 0);
      expect((await rawRequest(server.port, 'GET', `${BASE}?path=aborted`)).json).toEqual({});
      expect((await rawRequest(server.port, 'GET', '/health')).text).toBe('OK');
    });

    it('refuses a bad path before reading the body, and the client still gets the answer', async () => {
      const response = await rawRequest(server.port, 'PUT', `${BASE}/../escape.bin`, {
        body: randomBytes(SMALL_LIMIT / 2),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
    });

    it('holds the Assay API uploads to the same limit, declared or streamed, and stores nothing', async () => {
      const message = `The upload is larger than the limit of ${SMALL_LIMIT} bytes (ASSAY_ARTIFACT_UPLOAD_LIMIT_BYTES)`;
      const declared = await rawRequest(
        server.port,
        'POST',
        '/api/assay/v1/datasets/big/versions?filename=big.csv',
        {
          body: Buffer.alloc(SMALL_LIMIT + 1, 'a'),
          headers: { 'content-type': 'text/csv' },
        },
      );
      expect(declared.status).toBe(413);
      expect(declared.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
      const streamed = await rawRequest(server.port, 'POST', '/api/assay/v1/models/big/versions', {
        body: Readable.from(
          (function* () {
            for (let index = 0; index < 8; index += 1) yield randomBytes(64 * 1024);
          })(),
        ),
        headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      });
      expect(streamed.status).toBe(413);
      expect(streamed.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
      expect((await rawRequest(server.port, 'GET', '/api/assay/v1/models')).json).toEqual({ models: [] });
      expect((await rawRequest(server.port, 'GET', '/api/assay/v1/datasets')).json).toEqual({ datasets: [] });
      expect(await filesUnder(server.store.artifactsDir)).toEqual([]);
    });
  },
);
