import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { parseServerConfig } from '../../src/config/config.js';
import { openAssay } from '../../src/context.js';
import { batchingOptions } from '../../src/serving/batching/batching-options.js';
import { ort } from '../../src/runtime/onnxruntime.js';
import { startServing, type RunningServing } from '../../src/server/start-serving.js';
import { loadFixture } from '../evaluation/support/fixture-models.js';
import { createAppHarness, type AppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';
import { fixturePath } from '../runtime/support/fixture-tables.js';

const NON_FEATURES = new Set(['id', 'target', 'split']);
const cancer = loadFixture('breast_cancer');
const bike = loadFixture('bike_sharing');
const FEATURES = cancer.columns.filter((column) => !NON_FEATURES.has(column));
const ROWS = 6;
const features = new Float32Array(ROWS * FEATURES.length);
cancer.rows
  .slice(0, ROWS)
  .forEach((row, i) => FEATURES.forEach((c, j) => (features[i * FEATURES.length + j] = Number(row[c]))));

/** onnxruntime alone on the same rows: what every protocol's answer must equal. */
async function direct(file: string, feeds: Record<string, InstanceType<typeof ort.Tensor>>) {
  const session = await ort.InferenceSession.create(file);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

describeEachStore(
  'assay serve over HTTP',
  async (store) => {
    const assay = await openAssay({ store: store.storeUri, artifacts: store.artifactsDir });
    const actor = { actor: 'tester' };
    await assay.modelRegistration.registerModelFile(
      'cancer',
      fixturePath('breast_cancer', 'bc-logreg-v1.onnx'),
      {
        features: FEATURES,
        actor: 'tester',
      },
    );
    await assay.modelRegistration.registerModelFile(
      'cancer',
      fixturePath('breast_cancer', 'bc-wide-mlp.onnx'),
      {
        features: FEATURES,
        actor: 'tester',
      },
    );
    await assay.modelAliases.set('cancer', 'production', '2', actor);
    await assay.modelRegistration.registerModelFile('bike', fixturePath('bike_sharing', 'bike-v1.onnx'), {
      actor: 'tester',
    });
    await assay.modelRegistration.registerModelFile(
      'digits',
      fileURLToPath(new URL('../fixtures/serving/cnn-1x28x28.onnx', import.meta.url)),
      { task: 'classification', actor: 'tester' },
    );
    await assay.close();
    const config = parseServerConfig(
      {},
      { store: store.storeUri, artifacts: store.artifactsDir, port: 0, logLevel: 'silent' },
    );
    const serving = await startServing(
      config,
      [
        {
          model: { name: 'cancer', version: null, alias: 'production' },
          batching: batchingOptions({ maxBatchSize: 8 }),
        },
        { model: { name: 'bike', version: 1, alias: null }, batching: batchingOptions() },
        { model: { name: 'digits', version: 1, alias: null }, batching: batchingOptions() },
      ],
      silent,
    );
    // The Assay server on the same store, where the log is read back and labels are sent.
    const harness = await createAppHarness(store);
    return {
      serving,
      harness,
      close: async () => {
        await serving.stop();
        await harness.close();
      },
    };
  },
  (get) => {
    let serving: RunningServing;
    let harness: AppHarness;
    let base: string;
    beforeAll(() => {
      serving = get().serving;
      harness = get().harness;
      base = serving.url;
    });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      });
    const v2Input = (rows: number, data: Float32Array) => ({
      inputs: [{ name: 'input', shape: [rows, FEATURES.length], datatype: 'FP32', data: Array.from(data) }],
    });
    /** `rows` (30 features each) as a KServe v2 binary request asking for binary probabilities. */
    const postBinary = async (rows: Float32Array) => {
      const header = Buffer.from(
        JSON.stringify({
          inputs: [
            {
              name: 'input',
              shape: [rows.length / 30, 30],
              datatype: 'FP32',
              parameters: { binary_data_size: rows.byteLength },
            },
          ],
          outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
        }),
      );
      const response = await post(
        '/v2/models/cancer/infer',
        Buffer.concat([header, Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength)]),
        {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.length),
        },
      );
      const bytes = Buffer.from(await response.arrayBuffer());
      const headerLength = Number(response.headers.get('inference-header-content-length'));
      const blob = bytes.subarray(headerLength);
      return {
        response,
        header: bytes.subarray(0, headerLength),
        probabilities: Array.from(
          new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)),
        ),
      };
    };
    /** bc-wide-mlp's probabilities on `rows`, straight from onnxruntime. */
    const directProbabilities = async (rows: Float32Array): Promise<number[]> => {
      const outputs = await direct(fixturePath('breast_cancer', 'bc-wide-mlp.onnx'), {
        input: new ort.Tensor('float32', rows, [rows.length / 30, 30]),
      });
      return Array.from(outputs.probabilities?.data as Float32Array);
    };

    it('answers the probes and the metadata, with the alias resolved to its version', async () => {
      expect(await (await fetch(`${base}/v2`)).json()).toMatchObject({
        name: 'assay',
        extensions: ['binary_tensor_data'],
      });
      expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/v2/health/ready`)).status).toBe(200);
      expect((await fetch(`${base}/v2/models/cancer/ready`)).status).toBe(200);
      expect(await (await fetch(`${base}/v2/models/cancer`)).json()).toEqual({
        name: 'cancer',
        versions: ['2'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 30] }],
        outputs: [
          { name: 'label', datatype: 'INT64', shape: [-1] },
          { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        ],
      });
      expect((await fetch(`${base}/ping`)).status).toBe(200);
    });

    it('KServe v2 JSON: outputs equal onnxruntime on the same rows; the client id is echoed', async () => {
      const response = await post('/v2/models/cancer/infer', { id: 'req-7', ...v2Input(ROWS, features) });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-assay-prediction-id')).toBe('req-7');
      const body = (await response.json()) as {
        id: string;
        model_version: string;
        outputs: { name: string; data: number[]; shape: number[] }[];
      };
      const expected = await direct(fixturePath('breast_cancer', 'bc-wide-mlp.onnx'), {
        input: new ort.Tensor('float32', features, [ROWS, FEATURES.length]),
      });
      expect(body.id).toBe('req-7');
      expect(body.model_version).toBe('2');
      const byName = Object.fromEntries(body.outputs.map((output) => [output.name, output]));
      expect(byName.label?.data).toEqual(Array.from(expected.label?.data as BigInt64Array, Number));
      expect(byName.probabilities?.shape).toEqual([ROWS, 2]);
      // float32 goes out in its shortest decimal form (as Triton writes it): back to float32, exact.
      expect(byName.probabilities?.data.map(Math.fround)).toEqual(
        Array.from(expected.probabilities?.data as Float32Array),
      );
    });

    it('KServe v2 binary: inputs and outputs as raw bytes, with a generated prediction id', async () => {
      const { response, header, probabilities } = await postBinary(features);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-assay-prediction-id')).toMatch(/^[0-9a-f-]{36}$/);
      const json = JSON.parse(header.toString()) as {
        outputs: { name: string; parameters: { binary_data_size: number } }[];
      };
      expect(json.outputs).toEqual([
        expect.objectContaining({ name: 'probabilities', parameters: { binary_data_size: ROWS * 2 * 4 } }),
      ]);
      expect(probabilities).toEqual(await directProbabilities(features));
    });

    it('binary bodies of one size, at once and one after another, are each scored on their own rows', async () => {
      // The front reuses a large body's memory for the next body of its size once it is answered:
      // no request may see another's rows, batched (2 rows) or run alone (more than the batch of 8).
      const rotated = (rows: number, by: number): Float32Array => {
        const out = new Float32Array(rows * 30);
        for (let r = 0; r < rows; r += 1)
          out.set(features.subarray(((r + by) % ROWS) * 30, ((r + by) % ROWS) * 30 + 30), r * 30);
        return out;
      };
      const score = async (rows: Float32Array): Promise<number[]> => {
        const { response, probabilities } = await postBinary(rows);
        expect(response.status).toBe(200);
        return probabilities;
      };
      const pairs = Array.from({ length: 16 }, (_, i) => rotated(2, i));
      const answered = await Promise.all(pairs.map(score));
      for (const [i, rows] of pairs.entries()) expect(answered[i]).toEqual(await directProbabilities(rows));
      for (let i = 0; i < 6; i += 1) {
        const rows = rotated(12, i);
        expect(await score(rows)).toEqual(await directProbabilities(rows));
      }
    });

    it('64 concurrent one-row requests are each answered as if alone', async () => {
      const one = (i: number) => features.slice((i % ROWS) * 30, (i % ROWS) * 30 + 30);
      const answers = await Promise.all(
        Array.from({ length: 64 }, async (_, i) => {
          const response = await post('/v2/models/cancer/infer', v2Input(1, one(i)));
          return ((await response.json()) as { outputs: { name: string; data: number[] }[] }).outputs;
        }),
      );
      const alone = await Promise.all(
        Array.from({ length: ROWS }, async (_, i) => {
          const response = await post('/v2/models/cancer/infer', v2Input(1, one(i)));
          return ((await response.json()) as { outputs: unknown }).outputs;
        }),
      );
      answers.forEach((outputs, i) => expect(outputs).toEqual(alone[i % ROWS]));
    });

    it('MLflow scoring: dataframe_split on a model with one input per column', async () => {
      const columns = [
        'season',
        'hr',
        'holiday',
        'workingday',
        'weather',
        'temp',
        'atemp',
        'hum',
        'windspeed',
      ];
      const rows = bike.rows.slice(0, 4);
      const data = rows.map((row) =>
        columns.map((c) => (c === 'season' || c === 'weather' ? row[c] : Number(row[c]))),
      );
      const response = await post('/models/bike/invocations', { dataframe_split: { columns, data } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-assay-prediction-id')).toMatch(/^[0-9a-f-]{36}$/);
      const body = (await response.json()) as { predictions: { variable: number }[] };
      const feeds = Object.fromEntries(
        columns.map((c) => [
          c,
          c === 'season' || c === 'weather'
            ? new ort.Tensor(
                'string',
                rows.map((row) => row[c] ?? ''),
                [rows.length, 1],
              )
            : new ort.Tensor(
                'float32',
                Float32Array.from(rows, (row) => Number(row[c])),
                [rows.length, 1],
              ),
        ]),
      );
      const expected = await direct(fixturePath('bike_sharing', 'bike-v1.onnx'), feeds);
      expect(body.predictions.map((p) => p.variable)).toEqual(
        Array.from(expected.variable?.data as Float32Array),
      );
    });

    it('MLflow scoring on /invocations asks which model when several are served', async () => {
      const response = await post('/invocations', { dataframe_records: [{}] });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        message: expect.stringContaining('post to /models/{name}/invocations'),
      });
    });

    it('/metrics: requests by model, version, protocol and status; batch sizes, queue depth, load time', async () => {
      const sample = async (pattern: RegExp): Promise<number> => {
        const text = await (await fetch(`${base}/metrics`)).text();
        const match = pattern.exec(text);
        return match ? Number(match[1]) : 0;
      };
      const ok =
        /assay_inference_requests_total\{model="cancer",version="2",protocol="kserve_v2",status="200"\} (\d+)/;
      const bad =
        /assay_inference_requests_total\{model="cancer",version="2",protocol="kserve_v2",status="400"\} (\d+)/;
      const unknown =
        /assay_inference_requests_total\{model="\(unknown\)",version="",protocol="kserve_v2",status="404"\} (\d+)/;
      const scored =
        /assay_inference_requests_total\{model="bike",version="1",protocol="mlflow",status="200"\} (\d+)/;
      const before = await Promise.all([ok, bad, unknown, scored].map(sample));
      for (let i = 0; i < 5; i += 1) await post('/v2/models/cancer/infer', v2Input(1, features.slice(0, 30)));
      await post('/v2/models/cancer/infer', { inputs: [] });
      await post('/v2/models/nope/infer', v2Input(1, features.slice(0, 30)));
      await post('/models/bike/invocations', { dataframe_records: [{ hr: 1 }] });
      const after = await Promise.all([ok, bad, unknown, scored].map(sample));
      expect(after.map((value, i) => value - (before[i] as number))).toEqual([5, 1, 1, 0]);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/assay_inference_batch_size_count\{model="cancer",version="2"\} [1-9]/);
      expect(text).toMatch(
        /assay_inference_request_duration_seconds_bucket\{le="0\.0001",model="cancer",version="2",protocol="kserve_v2"\}/,
      );
      expect(text).toContain('assay_inference_queue_depth{model="cancer",version="2"} 0');
      expect(text).toMatch(/assay_model_load_seconds\{model="bike",version="1"\} 0\.\d+/);
      expect(text).toContain('assay_process_resident_memory_bytes');
    });

    it('logs every answered prediction: read back and labelled through the Assay API', async () => {
      const rows = features.slice(0, 2 * 30);
      const response = await post('/v2/models/cancer/infer', { id: 'logged-1', ...v2Input(2, rows) });
      const answer = (await response.json()) as { outputs: { name: string; data: number[] }[] };
      const scored = await post('/models/bike/invocations', {
        dataframe_records: [
          {
            season: 'spring',
            hr: 8,
            holiday: 0,
            workingday: 1,
            weather: 'clear',
            temp: 0.3,
            atemp: 0.3,
            hum: 0.5,
            windspeed: 0.1,
          },
        ],
      });
      const bikeId = scored.headers.get('x-assay-prediction-id') as string;
      await serving.log?.flush();

      const read = await harness.app.inject({
        method: 'GET',
        url: '/api/assay/v1/predictions?deployment=cancer',
      });
      expect(read.statusCode).toBe(200);
      const logged = (
        read.json() as {
          predictions: {
            id: string;
            version: number;
            inputs: Record<string, number>;
            outputs: Record<string, number>;
          }[];
        }
      ).predictions;
      const mine = logged.filter((row) => row.id.startsWith('logged-1:'));
      expect(mine.map((row) => row.id)).toEqual(['logged-1:0', 'logged-1:1']);
      expect(mine[1]?.version).toBe(2);
      expect(mine[1]?.inputs[`input.${FEATURES[0] as string}`]).toBe(Math.fround(rows[30] as number));
      const labels = answer.outputs.find((output) => output.name === 'label')?.data;
      expect(mine.map((row) => row.outputs.label)).toEqual(labels);

      const labelled = await harness.app.inject({
        method: 'POST',
        url: '/api/assay/v1/predictions/labels',
        payload: [
          { id: 'logged-1:0', label: 1 },
          { id: bikeId, label: 42 },
          { id: 'never-served', label: 0 },
        ],
      });
      expect(labelled.statusCode).toBe(200);
      expect(labelled.json()).toEqual({ accepted: 3, unknown: ['never-served'] });
      const bike = await harness.app.inject({
        method: 'GET',
        url: '/api/assay/v1/predictions?deployment=bike',
      });
      const bikeRows = (
        bike.json() as { predictions: { id: string; label: unknown; inputs: Record<string, unknown> }[] }
      ).predictions;
      expect(bikeRows.find((row) => row.id === bikeId)).toMatchObject({
        label: 42,
        inputs: { season: 'spring', hr: 8 },
      });

      const bad = await harness.app.inject({
        method: 'POST',
        url: '/api/assay/v1/predictions/labels',
        payload: { id: 'x' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      const noDeployment = await harness.app.inject({ method: 'GET', url: '/api/assay/v1/predictions' });
      expect(noDeployment.statusCode).toBe(400);
    });

    it('a CNN over [N, 1, 28, 28] images: binary tensors in and out; MLflow scoring points to /v2', async () => {
      const images = Float32Array.from({ length: 2 * 784 }, (_, k) => ((k * 13) % 255) / 255);
      const header = Buffer.from(
        JSON.stringify({
          inputs: [
            {
              name: 'image',
              shape: [2, 1, 28, 28],
              datatype: 'FP32',
              parameters: { binary_data_size: images.byteLength },
            },
          ],
          parameters: { binary_data_output: true },
        }),
      );
      const response = await post(
        '/v2/models/digits/infer',
        Buffer.concat([header, Buffer.from(images.buffer)]),
        {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.length),
        },
      );
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const headerLength = Number(response.headers.get('inference-header-content-length'));
      const blob = bytes.subarray(headerLength);
      const probabilities = new Float32Array(
        blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength),
      );
      const expected = await direct(
        fileURLToPath(new URL('../fixtures/serving/cnn-1x28x28.onnx', import.meta.url)),
        {
          image: new ort.Tensor('float32', images, [2, 1, 28, 28]),
        },
      );
      expect(Array.from(probabilities)).toEqual(Array.from(expected.probabilities?.data as Float32Array));
      expect(await (await fetch(`${base}/v2/models/digits`)).json()).toMatchObject({
        inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      });
      const scored = await post('/models/digits/invocations', { inputs: [[0]] });
      expect(scored.status).toBe(400);
      expect(((await scored.json()) as { message: string }).message).toContain(
        'send them to the KServe v2 endpoint',
      );
    });

    it('a request whose parameters.timeout passes while it waits is answered 504, never run', async () => {
      const images = 4000;
      const big = Buffer.from(new Float32Array(images * 784).fill(0.5).buffer);
      const header = (rows: number, bytes: number, extra: object = {}) =>
        Buffer.from(
          JSON.stringify({
            inputs: [
              {
                name: 'image',
                shape: [rows, 1, 28, 28],
                datatype: 'FP32',
                parameters: { binary_data_size: bytes },
              },
            ],
            ...extra,
          }),
        );
      const send = (head: Buffer, body: Buffer) =>
        post('/v2/models/digits/infer', Buffer.concat([head, body]), {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(head.length),
        });
      // Big requests (each runs alone) keep the model's only instance busy for a while...
      const busy = [
        send(header(images, big.length), big),
        send(header(images, big.length), big),
        send(header(images, big.length), big),
      ];
      // Wait until one runs and another waits (the server's own queue depth says so).
      const depth = async () => {
        const text = await (await fetch(`${base}/metrics`)).text();
        return Number(/assay_inference_queue_depth\{model="digits",version="1"\} (\d+)/.exec(text)?.[1] ?? 0);
      };
      for (let tries = 0; tries < 500 && (await depth()) < 1; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      // ...so these queue behind them, and may wait 1 ms at most.
      const one = Buffer.from(new Float32Array(784).fill(0.5).buffer);
      const late = await Promise.all(
        Array.from({ length: 4 }, () => send(header(1, one.length, { parameters: { timeout: 1000 } }), one)),
      );
      expect(late.map((response) => response.status)).toContain(504);
      const refused = late.find((response) => response.status === 504) as Response;
      expect(await refused.json()).toEqual({ error: 'The request waited past its deadline and was not run' });
      expect((await Promise.all(busy)).map((response) => response.status)).toEqual([200, 200, 200]);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(
        /assay_inference_rejected_total\{model="digits",version="1",reason="deadline"\} [1-9]/,
      );
      const bad = await post('/v2/models/digits/infer', { parameters: { timeout: -1 }, inputs: [] });
      expect(((await bad.json()) as { error: string }).error).toBe(
        'parameters.timeout must be a whole number >= 0',
      );
    });

    it('bad input: a clear 400 naming the input; an unknown model 404; errors as each protocol shapes them', async () => {
      const wrongType = await post('/v2/models/cancer/infer', {
        inputs: [
          { name: 'input', shape: [1, 30], datatype: 'FP64', data: Array.from(features.slice(0, 30)) },
        ],
      });
      expect(wrongType.status).toBe(400);
      expect(((await wrongType.json()) as { error: string }).error).toContain("Input 'input'");
      const short = await post('/v2/models/cancer/infer', v2Input(1, features.slice(0, 29)));
      expect(short.status).toBe(400);
      const unknown = await post('/v2/models/nope/infer', v2Input(1, features.slice(0, 30)));
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: string }).error).toBe(
        "Model 'nope' is not served here (served: cancer, bike, digits)",
      );
      const wrongVersion = await post(
        '/v2/models/cancer/versions/1/infer',
        v2Input(1, features.slice(0, 30)),
      );
      expect(wrongVersion.status).toBe(404);
      const malformed = await post('/v2/models/cancer/infer', '{"inputs": [');
      expect(malformed.status).toBe(400);
      const missingColumn = await post('/models/bike/invocations', { dataframe_records: [{ hr: 1 }] });
      expect(missingColumn.status).toBe(400);
      expect(await missingColumn.json()).toEqual({
        error_code: 'BAD_REQUEST',
        message:
          "The model needs column 'holiday' (for the model's input 'holiday', float32), which the data does not have; its columns: hr",
      });
    });
  },
);
