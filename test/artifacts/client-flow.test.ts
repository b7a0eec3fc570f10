import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { shapeDifferences } from '../helpers/json-shape.js';
import { describeEachStore } from '../helpers/stores.js';
import { loadTranscript, type Exchange } from '../helpers/transcripts.js';
import { createListeningApp, type ListeningApp } from './support/listening-app.js';
import { sampleBufferMemory } from './support/memory-sampler.js';
import { rawRequest } from './support/raw-http.js';

/**
 * What MLflow 2.10.2's Python client does with artifacts in client-smoke.jsonl, replayed over real
 * HTTP: log a file and a pyfunc model directory through the proxy, list them (`?path=`), download
 * every file, list through the tracking API, then a model file over 64 MiB, and deletes.
 */
const PROXY = '/api/2.0/mlflow-artifacts';
const MIB = 1024 * 1024;
const LARGE_BYTES = 65 * MIB + 12_345;

const transcript = loadTranscript('client-smoke.jsonl');
const proxyExchanges = transcript.filter((exchange) => exchange.url.startsWith(`${PROXY}/`));
const modelUploads = proxyExchanges.filter(
  (exchange) => exchange.method === 'PUT' && exchange.url.includes('/artifacts/model/'),
);
const notesUpload = proxyExchanges.find(
  (exchange) => exchange.method === 'PUT' && exchange.url.endsWith('/notes.txt'),
) as Exchange;
const listings = proxyExchanges.filter(
  (exchange) => exchange.method === 'GET' && exchange.url.includes('/artifacts?path='),
);
const downloads = proxyExchanges.filter(
  (exchange) => exchange.method === 'GET' && !exchange.url.includes('?'),
);

const fileName = (exchange: Exchange): string => exchange.url.slice(exchange.url.lastIndexOf('/') + 1);

/** The recorded pickle is "<737 bytes ...>": every byte value, then random ones, so nothing is treated as text. */
function binaryBody(size: number): Buffer {
  const body = randomBytes(size);
  for (let byte = 0; byte < 256 && byte < size; byte += 1) body[byte] = byte;
  return body;
}

describe('client-smoke.jsonl', () => {
  it('holds the artifact exchanges this suite replays', () => {
    expect(modelUploads.map(fileName).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'python_env.yaml',
      'python_model.pkl',
      'requirements.txt',
    ]);
    expect(listings).toHaveLength(3);
    expect(downloads.map(fileName).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'python_env.yaml',
      'python_model.pkl',
      'requirements.txt',
    ]);
  });
});

describeEachStore(
  'MLflow client artifact flow over real HTTP',
  async (store) => {
    const server = await createListeningApp(store);
    return { server, close: () => server.close() };
  },
  (get) => {
    let server: ListeningApp;
    let runId: string;
    let artifactUri: string;
    let root: string;
    const uploaded = new Map<string, Buffer>();

    beforeAll(async () => {
      server = get().server;
      const recordedExperiment = transcript.find((exchange) =>
        exchange.url.endsWith('experiments/create'),
      ) as Exchange;
      const experiment = await server.mlflow.post('experiments/create', {
        ...(recordedExperiment.request as object),
        name: `smoke-${Date.now()}`,
      });
      expect(experiment.status).toBe(200);
      const recordedRun = transcript.find((exchange) => exchange.url.endsWith('runs/create')) as Exchange;
      const run = await server.mlflow.post('runs/create', {
        ...(recordedRun.request as object),
        experiment_id: experiment.body.experiment_id,
      });
      expect(run.status).toBe(200);
      expect(shapeDifferences(run.body, recordedRun.response)).toEqual([]);
      runId = run.body.run.info.run_id;
      artifactUri = run.body.run.info.artifact_uri;
      expect(artifactUri).toBe(`mlflow-artifacts:/${experiment.body.experiment_id}/${runId}/artifacts`);
      // MlflowArtifactsRepository.resolve_uri: mlflow-artifacts:/<p> -> <tracking>/api/2.0/mlflow-artifacts/artifacts/<p>
      root = artifactUri.slice('mlflow-artifacts:/'.length);
    });

    it('logs a file (log_artifact) and lists the run root as the recording shows', async () => {
      const body = Buffer.from(notesUpload.request as string);
      uploaded.set('notes.txt', body);
      const put = await rawRequest(server.port, 'PUT', `${PROXY}/artifacts/${root}/notes.txt`, {
        body,
        headers: {
          'content-type': notesUpload.request_content_type as string,
          'user-agent': 'mlflow-python-client/2.10.2',
        },
      });
      expect(put.status).toBe(notesUpload.status);
      expect(put.headers['content-type']).toMatch(/^application\/json/);
      expect(put.json).toEqual(notesUpload.response);

      const recorded = listings[0] as Exchange;
      const list = await rawRequest(
        server.port,
        'GET',
        `${PROXY}/artifacts?path=${encodeURIComponent(root)}`,
      );
      expect(list.status).toBe(200);
      expect(list.json).toEqual(recorded.response);
    });

    it('logs a model directory (log_artifacts), one PUT per file with the recorded content types', async () => {
      for (const exchange of modelUploads) {
        const name = fileName(exchange);
        const binary = /^<(\d+) bytes /.exec(exchange.request as string);
        const body = binary ? binaryBody(Number(binary[1])) : Buffer.from(exchange.request as string);
        uploaded.set(`model/${name}`, body);
        const put = await rawRequest(server.port, 'PUT', `${PROXY}/artifacts/${root}/model/${name}`, {
          body,
          headers: { 'content-type': exchange.request_content_type as string },
        });
        expect(put.status, name).toBe(200);
        expect(put.json, name).toEqual({});
      }
    });

    it('lists the model directory as the recording shows, for download_artifacts to walk', async () => {
      const recorded = listings[1] as Exchange;
      const list = await rawRequest(
        server.port,
        'GET',
        `${PROXY}/artifacts?path=${encodeURIComponent(`${root}/model`)}`,
      );
      expect(list.status).toBe(200);
      expect(list.headers['content-type']).toMatch(/^application\/json/);
      expect(list.json).toEqual(recorded.response);
    });

    it('lists a file as {} so the client downloads it as a single file', async () => {
      const list = await rawRequest(
        server.port,
        'GET',
        `${PROXY}/artifacts?path=${encodeURIComponent(`${root}/model/MLmodel`)}`,
      );
      expect(list.status).toBe(200);
      expect(list.json).toEqual({});
    });

    it('downloads every file byte for byte, with the recorded content types', async () => {
      for (const exchange of downloads) {
        const name = fileName(exchange);
        const response = await rawRequest(server.port, 'GET', `${PROXY}/artifacts/${root}/model/${name}`);
        const expected = uploaded.get(`model/${name}`) as Buffer;
        expect(response.status, name).toBe(exchange.status);
        expect(response.headers['content-type'], name).toBe(exchange.response_content_type);
        expect(response.headers['content-length'], name).toBe(String(expected.length));
        expect(response.headers['content-disposition'], name).toBe(`attachment; filename=${name}`);
        expect(response.headers['x-content-type-options'], name).toBe('nosniff');
        expect(response.body.equals(expected), name).toBe(true);
        if (!/^<\d+ bytes /.test(exchange.response as string))
          expect(response.text, name).toBe(exchange.response);
      }
    });

    it('lists the model through the tracking API with run-relative paths', async () => {
      const recordedSizes = (listings[1]?.response as { files: { path: string; file_size: number }[] }).files;
      const response = await server.mlflow.get('artifacts/list', { run_id: runId, path: 'model' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        root_uri: artifactUri,
        files: recordedSizes.map((file) => ({
          path: `model/${file.path}`,
          is_dir: false,
          file_size: file.file_size,
        })),
      });
    });

    it('answers multipart upload with the message that makes the client fall back to PUT', async () => {
      const response = await rawRequest(server.port, 'POST', `${PROXY}/mpu/create/${root}/model/big.bin`, {
        body: JSON.stringify({ path: 'big.bin', num_parts: 60 }),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(501);
      expect(
        response.json.message.startsWith(
          'Multipart upload is not supported for the current artifact repository',
        ),
      ).toBe(true);
    });

    it('logs and downloads a model file over 64 MiB, streamed both ways', async () => {
      const target = `${PROXY}/artifacts/${root}/model/weights.bin`;
      const memory = sampleBufferMemory();
      const sent = createHash('sha256');
      const body = Readable.from(
        (function* () {
          for (let left = LARGE_BYTES; left > 0; left -= MIB) {
            const chunk = randomBytes(Math.min(left, MIB));
            sent.update(chunk);
            yield chunk;
          }
        })(),
      );
      const put = await rawRequest(server.port, 'PUT', target, {
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': LARGE_BYTES },
      });
      expect(put.status).toBe(200);

      const received = createHash('sha256');
      const download = await new Promise<{
        status: number;
        headers: http.IncomingHttpHeaders;
        bytes: number;
      }>((resolve, reject) => {
        const request = http.get(
          { host: '127.0.0.1', port: server.port, path: target, agent: false },
          (response) => {
            let bytes = 0;
            response.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              received.update(chunk);
            });
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes }),
            );
            response.on('error', reject);
          },
        );
        request.on('error', reject);
      });
      const peak = memory.stop();

      expect(download.status).toBe(200);
      expect(download.headers['content-length']).toBe(String(LARGE_BYTES));
      expect(download.bytes).toBe(LARGE_BYTES);
      expect(received.digest('hex')).toBe(sent.digest('hex'));
      // Client and server share this process. Had either held the whole file at once, Buffer memory would
      // have grown by at least its size; streamed, it grows by chunks not yet collected (about 32 MiB here).
      expect(peak).toBeLessThan(LARGE_BYTES - 8 * MIB);

      const list = await rawRequest(
        server.port,
        'GET',
        `${PROXY}/artifacts?path=${encodeURIComponent(`${root}/model`)}`,
      );
      expect(list.json.files).toContainEqual({ path: 'weights.bin', is_dir: false, file_size: LARGE_BYTES });
    }, 120_000);

    it('deletes a file, then the model directory (delete_artifacts)', async () => {
      const file = await rawRequest(server.port, 'DELETE', `${PROXY}/artifacts/${root}/notes.txt`);
      expect(file.status).toBe(200);
      expect(file.json).toEqual({});
      expect(
        (await rawRequest(server.port, 'GET', `${PROXY}/artifacts?path=${encodeURIComponent(root)}`)).json,
      ).toEqual({
        files: [{ path: 'model', is_dir: true }],
      });
      const directory = await rawRequest(server.port, 'DELETE', `${PROXY}/artifacts/${root}/model/`);
      expect(directory.status).toBe(200);
      expect(directory.json).toEqual({});
      expect(
        (await rawRequest(server.port, 'GET', `${PROXY}/artifacts?path=${encodeURIComponent(root)}`)).json,
      ).toEqual({});
      expect((await server.mlflow.get('artifacts/list', { run_id: runId })).body).toEqual({
        root_uri: artifactUri,
      });
      expect((await rawRequest(server.port, 'GET', `${PROXY}/artifacts/${root}/model/MLmodel`)).status).toBe(
        404,
      );
    });
  },
);
