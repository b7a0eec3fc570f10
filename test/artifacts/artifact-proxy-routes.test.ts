import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

const LIMIT = 64 * 1024;
const PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type JsonBody = any;

async function inject(
  app: FastifyInstance,
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST',
  url: string,
  payload?: Buffer | string,
  headers: Record<string, string> = {},
) {
  const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  const contentType = String(response.headers['content-type'] ?? '');
  return {
    status: response.statusCode,
    headers: response.headers,
    raw: response.rawPayload,
    json: (contentType.includes('application/json') && response.body
      ? JSON.parse(response.body)
      : undefined) as JsonBody,
  };
}

describeEachStore(
  'artifact proxy routes',
  // A JSON body limit far below the upload sizes used here: it must not apply to uploads.
  (store) => createAppHarness(store, { artifactUploadLimitBytes: LIMIT, bodyLimitBytes: 1024 }),
  (get) => {
    let harness: AppHarness;
    const app = (): FastifyInstance => {
      harness = get();
      return harness.app;
    };
    const onDisk = (relative: string): string => path.join(get().store.artifactsDir, relative);

    for (const prefix of PREFIXES) {
      describe(prefix, () => {
        const base = `${prefix}/artifacts`;

        it.each([
          ['text/plain', 'notes.txt'],
          ['application/json', 'metrics.json'],
          ['application/json; charset=utf-8', 'broken.json'],
          ['application/octet-stream', 'model.pkl'],
          ['multipart/form-data; boundary=x', 'form.bin'],
          ['not a media type', 'odd.bin'],
        ])('stores a %s body raw, unparsed', async (contentType, name) => {
          const body = Buffer.concat([Buffer.from('{"not": json at all'), randomBytes(4000)]);
          const put = await inject(app(), 'PUT', `${base}/up/${name}`, body, { 'content-type': contentType });
          expect(put.status).toBe(200);
          expect(put.json).toEqual({});
          expect((await fs.readFile(onDisk(`up/${name}`))).equals(body)).toBe(true);
        });

        it('stores a body sent without a Content-Type, and an empty body as an empty file', async () => {
          expect((await inject(app(), 'PUT', `${base}/bare/unlabelled.bin`, Buffer.from('abc'))).status).toBe(
            200,
          );
          expect((await fs.readFile(onDisk('bare/unlabelled.bin'))).toString()).toBe('abc');
          expect((await inject(app(), 'PUT', `${base}/bare/empty.txt`)).status).toBe(200);
          expect((await fs.stat(onDisk('bare/empty.txt'))).size).toBe(0);
        });

        it('takes uploads far over the JSON body limit, up to the upload limit exactly', async () => {
          const body = randomBytes(LIMIT);
          const put = await inject(app(), 'PUT', `${base}/limit/exact.bin`, body, {
            'content-type': 'application/json',
          });
          expect(put.status).toBe(200);
          expect((await fs.readFile(onDisk('limit/exact.bin'))).equals(body)).toBe(true);
        });

        it('refuses an upload over the limit with a 413 in MLflow form, leaving no file', async () => {
          const put = await inject(app(), 'PUT', `${base}/limit/over.bin`, randomBytes(LIMIT + 1), {
            'content-type': 'application/octet-stream',
          });
          expect(put.status).toBe(413);
          expect(put.json).toEqual({
            error_code: 'INVALID_PARAMETER_VALUE',
            message: `Artifact is larger than the upload limit of ${LIMIT} bytes`,
          });
          await expect(fs.stat(onDisk('limit/over.bin'))).rejects.toThrow();
        });

        it('uses the fully decoded path, as MLflow does', async () => {
          expect((await inject(app(), 'PUT', `${base}/decoded/a%2520b.txt`, 'x')).status).toBe(200);
          expect((await fs.readFile(onDisk('decoded/a b.txt'))).toString()).toBe('x');
          expect((await inject(app(), 'GET', `${base}?path=decoded`)).json).toEqual({
            files: [{ path: 'a b.txt', is_dir: false, file_size: 1 }],
          });
        });

        it('refuses to upload over a directory or below a file', async () => {
          await inject(app(), 'PUT', `${base}/clash/file.txt`, 'x');
          const overDirectory = await inject(app(), 'PUT', `${base}/clash`, 'x');
          expect(overDirectory.status).toBe(400);
          expect(overDirectory.json.error_code).toBe('INVALID_PARAMETER_VALUE');
          const belowFile = await inject(app(), 'PUT', `${base}/clash/file.txt/below.txt`, 'x');
          expect(belowFile.status).toBe(400);
          expect(belowFile.json.error_code).toBe('INVALID_PARAMETER_VALUE');
          expect((await fs.readFile(onDisk('clash/file.txt'))).toString()).toBe('x');
        });

        it('downloads with MLflow headers, whatever the client accepts', async () => {
          const body = randomBytes(3000);
          await inject(app(), 'PUT', `${base}/dl/weights.pkl`, body);
          await inject(app(), 'PUT', `${base}/dl/MLmodel`, 'flavors: {}\n');
          await inject(app(), 'PUT', `${base}/dl/plot.png`, 'png');
          const pkl = await inject(app(), 'GET', `${base}/dl/weights.pkl`, undefined, {
            accept: 'application/json',
          });
          expect(pkl.status).toBe(200);
          expect(pkl.raw.equals(body)).toBe(true);
          expect(pkl.headers).toMatchObject({
            'content-type': 'application/octet-stream',
            'content-length': '3000',
            'content-disposition': 'attachment; filename=weights.pkl',
            'x-content-type-options': 'nosniff',
          });
          const mlmodel = await inject(app(), 'GET', `${base}/dl/MLmodel`, undefined, {
            accept: 'text/html',
          });
          expect(mlmodel.headers['content-type']).toBe('text/plain');
          expect(mlmodel.raw.toString()).toBe('flavors: {}\n');
          expect((await inject(app(), 'GET', `${base}/dl/plot.png`)).headers['content-type']).toBe(
            'image/png',
          );
        });

        it('answers HEAD with the headers only', async () => {
          await inject(app(), 'PUT', `${base}/head/data.csv`, 'a,b\n1,2\n');
          const head = await inject(app(), 'HEAD', `${base}/head/data.csv`);
          expect(head.status).toBe(200);
          expect(head.headers).toMatchObject({ 'content-type': 'text/plain', 'content-length': '8' });
          expect(head.raw.length).toBe(0);
        });

        it('quotes file names MLflow would send malformed', async () => {
          await inject(app(), 'PUT', `${base}/names/a%20b;c.txt`, 'x');
          await inject(app(), 'PUT', `${base}/names/${encodeURIComponent('模型 "v1".bin')}`, 'x');
          expect(
            (await inject(app(), 'GET', `${base}/names/a%20b;c.txt`)).headers['content-disposition'],
          ).toBe('attachment; filename="a b;c.txt"');
          expect(
            (await inject(app(), 'GET', `${base}/names/${encodeURIComponent('模型 "v1".bin')}`)).headers[
              'content-disposition'
            ],
          ).toBe(
            `attachment; filename="__ \\"v1\\".bin"; filename*=UTF-8''%E6%A8%A1%E5%9E%8B%20%22v1%22.bin`,
          );
        });

        it('answers a missing file with 404 and a directory with 400', async () => {
          await inject(app(), 'PUT', `${base}/dir/file.txt`, 'x');
          const missing = await inject(app(), 'GET', `${base}/dir/missing.txt`);
          expect(missing.status).toBe(404);
          expect(missing.json).toEqual({
            error_code: 'RESOURCE_DOES_NOT_EXIST',
            message: "Artifact 'dir/missing.txt' not found",
          });
          const directory = await inject(app(), 'GET', `${base}/dir`);
          expect(directory.status).toBe(400);
          expect(directory.json.error_code).toBe('INVALID_PARAMETER_VALUE');
        });

        it('lists basenames; no file_size for directories and empty files; {} for missing paths and files', async () => {
          await inject(app(), 'PUT', `${base}/ls/b.txt`, 'bb');
          await inject(app(), 'PUT', `${base}/ls/a.txt`, 'a');
          await inject(app(), 'PUT', `${base}/ls/zero.txt`);
          await inject(app(), 'PUT', `${base}/ls/sub/deep.txt`, 'deep');
          expect((await inject(app(), 'GET', `${base}?path=ls`)).json).toEqual({
            files: [
              { path: 'a.txt', is_dir: false, file_size: 1 },
              { path: 'b.txt', is_dir: false, file_size: 2 },
              { path: 'sub', is_dir: true },
              { path: 'zero.txt', is_dir: false },
            ],
          });
          expect((await inject(app(), 'GET', `${base}?path=ls%2Fsub`)).json).toEqual({
            files: [{ path: 'deep.txt', is_dir: false, file_size: 4 }],
          });
          expect((await inject(app(), 'GET', `${base}?path=ls/sub/`)).json).toEqual({
            files: [{ path: 'deep.txt', is_dir: false, file_size: 4 }],
          });
          const file = await inject(app(), 'GET', `${base}?path=ls/a.txt`);
          expect(file.status).toBe(200);
          expect(file.json).toEqual({});
          expect((await inject(app(), 'GET', `${base}?path=nowhere`)).json).toEqual({});
        });

        it('lists the root with no path or an empty one', async () => {
          const names = (await inject(app(), 'GET', base)).json.files.map(
            (file: { path: string }) => file.path,
          );
          expect(names).toContain('ls');
          expect(
            (await inject(app(), 'GET', `${base}?path=`)).json.files.map(
              (file: { path: string }) => file.path,
            ),
          ).toEqual(names);
        });

        it('deletes files and trees, treats a missing path as done, and ignores a JSON body', async () => {
          await inject(app(), 'PUT', `${base}/del/one.txt`, '1');
          await inject(app(), 'PUT', `${base}/del/tree/a.txt`, 'a');
          await inject(app(), 'PUT', `${base}/del/tree/sub/b.txt`, 'b');
          await inject(app(), 'PUT', `${base}/del/keep.txt`, 'k');
          const file = await inject(app(), 'DELETE', `${base}/del/one.txt`, '{"path": "keep.txt"}', {
            'content-type': 'application/json',
          });
          expect(file.status).toBe(200);
          expect(file.json).toEqual({});
          expect((await inject(app(), 'DELETE', `${base}/del/tree`)).json).toEqual({});
          expect((await inject(app(), 'DELETE', `${base}/del/missing/thing.txt`)).json).toEqual({});
          expect((await inject(app(), 'GET', `${base}?path=del`)).json).toEqual({
            files: [{ path: 'keep.txt', is_dir: false, file_size: 1 }],
          });
        });

        it('never deletes the artifact root', async () => {
          for (const url of [`${base}/`, `${base}/.`, `${base}/%2e`, `${base}//`]) {
            const response = await inject(app(), 'DELETE', url);
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThan(500);
          }
          expect((await fs.readdir(get().store.artifactsDir)).length).toBeGreaterThan(0);
        });

        it.each(['create', 'complete', 'abort'])(
          'answers mpu/%s with 501 so the client falls back to PUT',
          async (step) => {
            const response = await inject(
              app(),
              'POST',
              `${prefix}/mpu/${step}/1/run/artifacts/big.bin`,
              '{"path": "big.bin", "num_parts": 3}',
              {
                'content-type': 'application/json',
              },
            );
            expect(response.status).toBe(501);
            expect(response.json).toEqual({
              error_code: 'NOT_IMPLEMENTED',
              message: 'Multipart upload is not supported for the current artifact repository',
            });
          },
        );
      });
    }

    it("leaves the MLflow API's JSON handling alone", async () => {
      const tooBig = await get().mlflow.post('experiments/create', { name: 'x'.repeat(2000) });
      expect(tooBig.status).toBe(413);
      const wrongType = await get().app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/experiments/create',
        payload: 'name=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(wrongType.statusCode).toBe(400);
    });
  },
);
