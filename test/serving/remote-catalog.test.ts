import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssayError,
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../src/errors/assay-error.js';
import { localCatalog, type ModelCatalog } from '../../src/serving/model-catalog.js';
import { remoteCatalog } from '../../src/serving/remote-catalog.js';
import { createListeningApp, type ListeningApp } from '../artifacts/support/listening-app.js';
import { describeEachStore } from '../helpers/stores.js';
import {
  featureColumns,
  fixtureBytes,
  fixturePath,
  readFixtureCsv,
} from '../runtime/support/fixture-tables.js';

const ACTOR = { actor: 'tester' };
const FEATURES = featureColumns(readFixtureCsv('breast_cancer', 'breast_cancer.csv'));
const LOGREG = fixtureBytes('breast_cancer', 'bc-logreg-v1.onnx');
const MLP = fixtureBytes('breast_cancer', 'bc-mlp-v2.onnx');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const production = { name: 'cancer', version: null, alias: 'production' } as const;

/** The error a promise rejects with, for assertions on its class and message together. */
async function failure(promise: Promise<unknown>): Promise<AssayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AssayError)) throw new Error(`expected an AssayError, got ${String(error)}`);
  return error;
}

/** A local HTTP server answering with `handler`, for the answers a real Assay server never gives. */
async function stubServer(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeEachStore(
  'remoteCatalog against a real Assay server',
  async (store) => {
    const server = await createListeningApp(store);
    const registration = server.context.modelRegistration;
    await registration.registerModelFile('cancer', fixturePath('breast_cancer', 'bc-logreg-v1.onnx'), {
      features: FEATURES,
      actor: 'tester',
    });
    await registration.registerModelFile('cancer', fixturePath('breast_cancer', 'bc-mlp-v2.onnx'), {
      features: FEATURES,
      actor: 'tester',
    });
    await server.context.modelAliases.set('cancer', 'production', '1', ACTOR);
    await registration
      .registerModelFile('broken', Readable.from([Buffer.from('not an onnx model')]), { actor: 'tester' })
      .catch(() => undefined); // FAILED_REGISTRATION, as intended
    return server;
  },
  (get) => {
    let server: ListeningApp;
    let url: string;
    let catalog: ModelCatalog;

    beforeAll(() => {
      server = get();
      url = `http://127.0.0.1:${server.port}`;
      catalog = remoteCatalog(url);
    });

    describe('resolve', () => {
      it('a version number is its own answer', async () => {
        expect(await catalog.resolve({ name: 'cancer', version: 2, alias: null })).toBe(2);
      });

      it('an alias: the version it names now, and again after it moves (through either API)', async () => {
        expect(await catalog.resolve(production)).toBe(1);
        await server.context.modelAliases.set('cancer', 'production', '2', ACTOR);
        expect(await catalog.resolve(production)).toBe(2);
        const moved = await server.app.inject({
          method: 'PUT',
          url: '/api/assay/v1/models/cancer/aliases/production',
          payload: { version: 1 },
        });
        expect(moved.statusCode).toBe(200);
        expect(await catalog.resolve(production)).toBe(1);
      });

      it('an unknown alias or model: an error naming the selector and the server', async () => {
        const alias = await failure(catalog.resolve({ name: 'cancer', version: null, alias: 'nope' }));
        expect(alias).toBeInstanceOf(InvalidParameterError);
        expect(alias.message).toBe(
          `Cannot resolve cancer@nope from the Assay server at ${url}: Registered model alias nope not found.`,
        );
        const model = await failure(catalog.resolve({ name: 'ghost', version: null, alias: 'production' }));
        expect(model.message).toBe(
          `Cannot resolve ghost@production from the Assay server at ${url}: Registered model alias production not found.`,
        );
      });
    });

    describe('get', () => {
      it('the same spec as localCatalog, and the registered bytes', async () => {
        const local = localCatalog(server.context.registeredModels, server.context.modelRegistration);
        for (const [version, file] of [
          [1, LOGREG],
          [2, MLP],
        ] as const) {
          const remote = await catalog.get('cancer', version);
          const expected = await local.get('cancer', version);
          expect(remote.name).toBe('cancer');
          expect(remote.version).toBe(version);
          expect(remote.spec).toEqual(expected.spec);
          expect(remote.spec.sha256).toBe(sha256(file));
          const bytes = await remote.readBytes();
          expect(Buffer.compare(Buffer.from(bytes), file)).toBe(0);
        }
      });

      it('an unknown version or model: NotFoundError naming it and the server', async () => {
        const version = await failure(catalog.get('cancer', 99));
        expect(version).toBeInstanceOf(NotFoundError);
        expect(version.message).toBe(
          `Cannot get model cancer/99 from the Assay server at ${url}: Model Version (name=cancer, version=99) not found`,
        );
        const model = await failure(catalog.get('ghost', 1));
        expect(model).toBeInstanceOf(NotFoundError);
        expect(model.message).toContain('ghost');
      });

      it('a version whose registration failed: InvalidStateError with the runtime’s reason', async () => {
        const error = await failure(catalog.get('broken', 1));
        expect(error).toBeInstanceOf(InvalidStateError);
        expect(error.message).toBe(
          `Cannot get model broken/1 from the Assay server at ${url}: Model version broken/1 failed registration: Failed to load model because protobuf parsing failed.`,
        );
      });

      it('a model larger than maxModelBytes is refused before its download', async () => {
        const small = remoteCatalog(url, { maxModelBytes: 1000 });
        const model = await small.get('cancer', 1);
        const error = await failure(model.readBytes());
        expect(error).toBeInstanceOf(PayloadTooLargeError);
        expect(error.message).toBe(
          `Cannot download model cancer/1 from the Assay server at ${url}: the model file is ${LOGREG.length} bytes, more than the 1000 this process accepts`,
        );
      });
    });

    describe('the endpoints', () => {
      it('GET .../runnable by alias: {name, version, spec}, the spec as stored', async () => {
        const response = await fetch(`${url}/api/assay/v1/models/cancer/versions/production/runnable`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as Record<string, unknown>;
        expect(Object.keys(body)).toEqual(['name', 'version', 'spec']);
        expect(body).toEqual({
          name: 'cancer',
          version: 1,
          spec: await server.context.modelRegistration.getModelSpec('cancer', 1),
        });
      });

      it('GET .../runnable/model: the bytes, with their length, sha256 and version', async () => {
        const response = await fetch(`${url}/api/assay/v1/models/cancer/versions/2/runnable/model`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/octet-stream');
        expect(response.headers.get('content-length')).toBe(String(MLP.length));
        expect(response.headers.get('x-assay-sha256')).toBe(sha256(MLP));
        expect(response.headers.get('x-assay-model-version')).toBe('2');
        expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), MLP)).toBe(0);
      });

      it('errors as the other Assay routes: 404 unknown model or version, 400 unknown alias or failed version', async () => {
        const cases = [
          [
            'ghost/versions/1',
            404,
            'RESOURCE_DOES_NOT_EXIST',
            'Model Version (name=ghost, version=1) not found',
          ],
          [
            'ghost/versions/production',
            404,
            'RESOURCE_DOES_NOT_EXIST',
            'Registered Model with name=ghost not found',
          ],
          [
            'cancer/versions/7',
            404,
            'RESOURCE_DOES_NOT_EXIST',
            'Model Version (name=cancer, version=7) not found',
          ],
          [
            'cancer/versions/nope',
            400,
            'INVALID_PARAMETER_VALUE',
            "Model 'cancer' has no alias 'nope' (its aliases: production -> 1)",
          ],
          [
            'cancer/versions/0',
            400,
            'INVALID_PARAMETER_VALUE',
            "Model version must be a positive integer, got '0'",
          ],
          [
            'broken/versions/1',
            400,
            'INVALID_STATE',
            'Model version broken/1 failed registration: Failed to load model because protobuf parsing failed.',
          ],
        ] as const;
        for (const [where, status, code, message] of cases) {
          for (const suffix of ['runnable', 'runnable/model']) {
            const response = await fetch(`${url}/api/assay/v1/models/${where}/${suffix}`);
            expect({ where, suffix, status: response.status, body: await response.json() }).toEqual({
              where,
              suffix,
              status,
              body: { error_code: code, message },
            });
          }
        }
      });
    });

    describe('a stored file that changed since registration', () => {
      const diabetes = fixtureBytes('diabetes', 'diabetes-linear-v1.onnx');
      let stored: string;

      beforeAll(async () => {
        await server.context.modelRegistration.registerModelFile(
          'tampered',
          fixturePath('diabetes', 'diabetes-linear-v1.onnx'),
          { actor: 'tester' },
        );
        stored = path.join(server.store.artifactsDir, 'models', sha256(diabetes), 'model.onnx');
      });

      it('same size, other bytes: the download is refused on its sha256', async () => {
        const changed = Buffer.from(diabetes);
        changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0xff;
        await fs.writeFile(stored, changed);
        const model = await catalog.get('tampered', 1);
        const error = await failure(model.readBytes());
        expect(error).toBeInstanceOf(InvalidStateError);
        expect(error.message).toBe(
          `Cannot download model tampered/1 from the Assay server at ${url}: the server sent a different file than was registered: sha256 ${sha256(changed)}, registered ${sha256(diabetes)}`,
        );
      });

      it('another size: the server refuses to send it, and says why', async () => {
        await fs.writeFile(stored, Buffer.concat([diabetes, Buffer.from('extra')]));
        const model = await catalog.get('tampered', 1);
        const error = await failure(model.readBytes());
        expect(error).toBeInstanceOf(InvalidStateError);
        expect(error.message).toBe(
          `Cannot download model tampered/1 from the Assay server at ${url}: The model file of tampered/1 ('models/${sha256(diabetes)}/model.onnx') changed since registration: ${diabetes.length + 5} bytes, registered ${diabetes.length}`,
        );
      });
    });

    describe('answers no Assay server gives (through a stub in front of the real one)', () => {
      /** The real server's answer, with `change` applied to the model download. */
      async function proxy(
        change: (
          request: http.IncomingMessage,
          response: http.ServerResponse,
          real: Response,
        ) => Promise<void>,
      ) {
        return stubServer((request, response) => {
          void (async () => {
            const real = await fetch(`${url}${request.url ?? '/'}`);
            if (request.url?.endsWith('/runnable/model')) {
              await change(request, response, real);
              return;
            }
            response.writeHead(real.status, { 'content-type': 'application/json' });
            response.end(Buffer.from(await real.arrayBuffer()));
          })();
        });
      }

      it('wrong bytes of the right size, no checksum header: caught by the sha256', async () => {
        const stub = await proxy(async (_request, response, real) => {
          const bytes = Buffer.from(await real.arrayBuffer());
          bytes[0] = (bytes[0] ?? 0) ^ 1;
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          response.end(bytes);
        });
        try {
          const model = await remoteCatalog(stub.url).get('cancer', 1);
          const error = await failure(model.readBytes());
          expect(error).toBeInstanceOf(InvalidStateError);
          expect(error.message).toMatch(
            new RegExp(
              `^Cannot download model cancer/1 from the Assay server at ${stub.url}: the server sent a different file than was registered: sha256 [0-9a-f]{64}, registered ${sha256(LOGREG)}$`,
            ),
          );
        } finally {
          await stub.close();
        }
      });

      it('more bytes than registered, chunked: reading stops at the registered size', async () => {
        const stub = await proxy(async (_request, response, real) => {
          const bytes = Buffer.from(await real.arrayBuffer());
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          response.write(bytes);
          response.end(Buffer.alloc(10));
        });
        try {
          const model = await remoteCatalog(stub.url).get('cancer', 1);
          const error = await failure(model.readBytes());
          expect(error).toBeInstanceOf(InvalidStateError);
          expect(error.message).toContain(`more than the registered ${LOGREG.length} bytes`);
        } finally {
          await stub.close();
        }
      });

      it('a download that stops: an error once the server has sent nothing for the timeout', async () => {
        const stub = await proxy(async (_request, response, real) => {
          const bytes = Buffer.from(await real.arrayBuffer());
          response.writeHead(200, { 'content-length': bytes.length });
          response.write(bytes.subarray(0, 100));
        });
        try {
          const model = await remoteCatalog(stub.url, { timeoutMs: 300 }).get('cancer', 1);
          const error = await failure(model.readBytes());
          expect(error.code).toBe('TEMPORARILY_UNAVAILABLE');
          expect(error.message).toBe(
            `Cannot download model cancer/1 from the Assay server at ${stub.url}: the server sent nothing for 300 ms`,
          );
        } finally {
          await stub.close();
        }
      });

      it('a download cut short: an error, not a short model', async () => {
        const stub = await proxy(async (_request, response, real) => {
          const bytes = Buffer.from(await real.arrayBuffer());
          response.writeHead(200, { 'content-length': bytes.length });
          response.write(bytes.subarray(0, 100), () => response.socket?.destroy());
        });
        try {
          const model = await remoteCatalog(stub.url).get('cancer', 1);
          const error = await failure(model.readBytes());
          expect(error.code).toBe('TEMPORARILY_UNAVAILABLE');
          expect(error.message).toBe(
            `Cannot download model cancer/1 from the Assay server at ${stub.url}: the connection was closed before the answer was complete`,
          );
        } finally {
          await stub.close();
        }
      });

      it('a spec that is not one: refused, naming the field', async () => {
        const stub = await stubServer((_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ name: 'cancer', version: 1, spec: { format: 'onnx', sha256: 'x' } }));
        });
        try {
          const error = await failure(remoteCatalog(stub.url).get('cancer', 1));
          expect(error.httpStatus).toBe(502);
          expect(error.message).toBe(
            `Cannot get model cancer/1 from the Assay server at ${stub.url}: unexpected answer: spec.signature: Invalid input: expected object, received undefined`,
          );
        } finally {
          await stub.close();
        }
      });

      it('not JSON (a proxy’s page): the status and an excerpt', async () => {
        const stub = await stubServer((_request, response) => {
          response.writeHead(502, { 'content-type': 'text/html' });
          response.end('<html><body>Bad gateway</body></html>');
        });
        try {
          const error = await failure(remoteCatalog(stub.url).resolve(production));
          expect(error.code).toBe('TEMPORARILY_UNAVAILABLE');
          expect(error.message).toBe(
            `Cannot resolve cancer@production from the Assay server at ${stub.url}: HTTP 502: <html><body>Bad gateway</body></html>`,
          );
        } finally {
          await stub.close();
        }
      });
    });
  },
);

describe('remoteCatalog without a server', () => {
  let silent: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = await stubServer(() => undefined);
  });

  afterAll(async () => {
    await silent.close();
  });

  it('nothing listening: TEMPORARILY_UNAVAILABLE, naming the server and the model', async () => {
    const closed = await stubServer(() => undefined);
    await closed.close();
    const catalog = remoteCatalog(`${closed.url}/`);
    const resolve = await failure(catalog.resolve(production));
    expect(resolve.code).toBe('TEMPORARILY_UNAVAILABLE');
    expect(resolve.message).toBe(
      `Cannot resolve cancer@production from the Assay server at ${closed.url}: connection refused (is the server running?)`,
    );
    const get = await failure(catalog.get('cancer', 3));
    expect(get.message).toBe(
      `Cannot get model cancer/3 from the Assay server at ${closed.url}: connection refused (is the server running?)`,
    );
  });

  it('a server that never answers: the deadline', async () => {
    const catalog = remoteCatalog(silent.url, { timeoutMs: 200 });
    const started = performance.now();
    const error = await failure(catalog.resolve(production));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.message).toBe(
      `Cannot resolve cancer@production from the Assay server at ${silent.url}: no answer within 200 ms`,
    );
  });

  it('a URL that is not http(s): InvalidParameterError, before any request', () => {
    expect(() => remoteCatalog('localhost:5000')).toThrow(
      new InvalidParameterError("The Assay server URL 'localhost:5000' must start with http:// or https://"),
    );
    expect(() => remoteCatalog('not a url')).toThrow(
      new InvalidParameterError("The Assay server URL 'not a url' is not a URL"),
    );
  });
});
