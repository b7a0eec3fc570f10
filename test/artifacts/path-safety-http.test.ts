import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeEachStore } from '../helpers/stores.js';
import { createListeningApp, type ListeningApp } from './support/listening-app.js';
import { snapshotOutside } from './support/outside-snapshot.js';
import { rawRequest, rawSocketExchange, type RawResponse } from './support/raw-http.js';

/**
 * Path traversal over real HTTP: every request target below is sent byte for byte, un-normalised,
 * to a real server, with PUT, GET, list and DELETE. The artifact root is `<dir>/artifacts`, so `..`
 * from the root is `<dir>`, where `sentinel.txt` and `outside/secret.txt` wait: each attack aims at
 * them, and after each request nothing outside the root (nor inside it) may have changed.
 */
const PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'];

function encodeTimes(value: string, times: number): string {
  let encoded = value;
  for (let round = 0; round < times; round += 1) {
    encoded = encoded.replace(
      /[^A-Za-z0-9_-]/g,
      (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
  }
  return encoded;
}

/** `T` is the target: `sentinel.txt` for PUT and GET, `outside` (a directory) for list and DELETE. */
function variants(dir: string): [string, string][] {
  return [
    ['parent segments', '../T'],
    ['parents after a directory', 'a/../../T'],
    ['dot then parent', './../T'],
    ['encoded slash', '..%2fT'],
    ['encoded dots', '%2e%2e/T'],
    ['upper-case encoded dots', '%2E%2E/T'],
    ['fully encoded', '%2e%2e%2fT'],
    ['half-encoded dots', '.%2e/T'],
    ['double-encoded', '%252e%252e%252fT'],
    ['double-encoded slash', '..%252fT'],
    ['triple-encoded', '%25252e%25252e%25252fT'],
    ['encoded ten times', encodeTimes('../', 10) + 'T'],
    ['backslashes', '..\\T'],
    ['encoded backslash', '..%5cT'],
    ['backslash in a name', 'a\\T'],
    ['absolute', `${dir}/T`],
    ['encoded absolute', `${encodeURIComponent(`${dir}/`)}T`],
    ['absolute passwd', '/etc/passwd'],
    ['encoded NUL', 'T%00.jpg'],
    ['encoded NUL before parents', 'a%00/../../T'],
    ['Windows drive', 'C:/T'],
    ['Windows drive with backslash', 'C:\\T'],
    ['raw fragment', 'a#/../../T'],
    ['encoded fragment', 'a%23/../../T'],
    ['file URI with fragment', 'file://a#/..//T'],
  ];
}

describeEachStore(
  'artifact proxy path safety over real HTTP',
  async (store) => {
    const server = await createListeningApp(store);
    return { server, close: () => server.close() };
  },
  (get) => {
    let server: ListeningApp;
    let dir: string;
    let root: string;
    let before: Record<string, string>;
    let rootBefore: Record<string, string>;

    beforeAll(async () => {
      server = get().server;
      dir = server.store.dir;
      root = server.store.artifactsDir;
      await fs.mkdir(path.join(dir, 'outside'), { recursive: true });
      await fs.writeFile(path.join(dir, 'sentinel.txt'), 'sentinel: do not touch');
      await fs.writeFile(path.join(dir, 'outside', 'secret.txt'), 'secret: do not read');
      await fs.mkdir(path.join(root, 'a'), { recursive: true });
      await fs.writeFile(path.join(root, 'a', 'inside.txt'), 'inside');
      await fs.mkdir(path.join(root, 'holder'), { recursive: true });
      await fs.symlink(path.join(dir, 'outside'), path.join(root, 'escape-dir'));
      await fs.symlink(path.join(dir, 'sentinel.txt'), path.join(root, 'escape-file'));
      await fs.symlink(path.join(dir, 'outside', 'new-dir'), path.join(root, 'dangling-out'));
      await fs.symlink(path.join(dir, 'outside'), path.join(root, 'holder', 'link'));
      await fs.symlink('loop', path.join(root, 'loop'));
      before = await snapshotOutside(dir, root);
      rootBefore = await snapshotOutside(root, path.join(root, '\0none'));
    });

    afterEach(async () => {
      expect(await snapshotOutside(dir, root)).toEqual(before);
    });

    async function expectRootUnchanged(): Promise<void> {
      expect(await snapshotOutside(root, path.join(root, '\0none'))).toEqual(rootBefore);
    }

    function expectInvalidPath(response: RawResponse): void {
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
      expect(response.text).not.toContain('do not');
    }

    for (const prefix of PREFIXES) {
      describe(prefix, () => {
        it.each(variants('DIR'))('PUT refuses %s (%s)', async (_name, template) => {
          const target = template.replaceAll('DIR', dir).replaceAll('T', 'sentinel.txt');
          const response = await rawRequest(server.port, 'PUT', `${prefix}/artifacts/${target}`, {
            body: 'PWNED',
            headers: { 'content-type': 'text/plain' },
          });
          expectInvalidPath(response);
          await expectRootUnchanged();
        });

        it.each(variants('DIR'))('GET refuses %s (%s)', async (_name, template) => {
          const target = template.replaceAll('DIR', dir).replaceAll('T', 'sentinel.txt');
          expectInvalidPath(await rawRequest(server.port, 'GET', `${prefix}/artifacts/${target}`));
        });

        it.each(variants('DIR'))('list refuses %s (%s)', async (_name, template) => {
          const target = template.replaceAll('DIR', dir).replaceAll('T', 'outside');
          const response = await rawRequest(server.port, 'GET', `${prefix}/artifacts?path=${target}`);
          expectInvalidPath(response);
          expect(response.text).not.toContain('secret');
        });

        it.each(variants('DIR'))('DELETE refuses %s (%s)', async (_name, template) => {
          const target = template.replaceAll('DIR', dir).replaceAll('T', 'outside');
          expectInvalidPath(await rawRequest(server.port, 'DELETE', `${prefix}/artifacts/${target}`));
          await expectRootUnchanged();
        });

        it.each(['create', 'complete', 'abort'])(
          'mpu/%s refuses a traversal before anything else',
          async (step) => {
            const response = await rawRequest(server.port, 'POST', `${prefix}/mpu/${step}/../sentinel.txt`, {
              body: '{"path":"x","num_parts":1}',
              headers: { 'content-type': 'application/json' },
            });
            expectInvalidPath(response);
          },
        );
      });
    }

    describe('symlinks inside the root', () => {
      const prefix = PREFIXES[0];

      it.each(['escape-file', 'escape-dir/secret.txt', 'loop'])(
        'GET refuses to read through %s',
        async (target) => {
          expectInvalidPath(await rawRequest(server.port, 'GET', `${prefix}/artifacts/${target}`));
        },
      );

      it.each([
        'escape-file',
        'escape-dir/secret.txt',
        'escape-dir/new.txt',
        'dangling-out',
        'dangling-out/new.txt',
      ])('PUT refuses to write through %s', async (target) => {
        const response = await rawRequest(server.port, 'PUT', `${prefix}/artifacts/${target}`, {
          body: 'PWNED',
        });
        expectInvalidPath(response);
        await expectRootUnchanged();
      });

      it.each(['escape-dir', 'escape-dir/', 'loop'])('list refuses %s', async (target) => {
        const response = await rawRequest(server.port, 'GET', `${prefix}/artifacts?path=${target}`);
        expectInvalidPath(response);
        expect(response.text).not.toContain('secret');
      });

      it('list of the root does not show links that lead out', async () => {
        const response = await rawRequest(server.port, 'GET', `${prefix}/artifacts`);
        expect(response.status).toBe(200);
        expect(response.json).toEqual({
          files: [
            { path: 'a', is_dir: true },
            { path: 'holder', is_dir: true },
          ],
        });
      });

      it.each(['escape-dir', 'escape-file', 'escape-dir/secret.txt', 'dangling-out', 'loop'])(
        'DELETE refuses %s',
        async (target) => {
          expectInvalidPath(await rawRequest(server.port, 'DELETE', `${prefix}/artifacts/${target}`));
          await expectRootUnchanged();
        },
      );
    });

    describe('what the HTTP layer refuses before routing', () => {
      it.each([
        ['PUT', 'PUT /api/2.0/mlflow-artifacts/artifacts/sentinel.txt\0/../../sentinel.txt'],
        ['GET', 'GET /api/2.0/mlflow-artifacts/artifacts/escape-file\0'],
        ['list', 'GET /api/2.0/mlflow-artifacts/artifacts?path=..\0/outside'],
        ['DELETE', 'DELETE /api/2.0/mlflow-artifacts/artifacts/a\0/../../outside'],
      ])('a raw NUL in the request target (%s) is a 400', async (_method, requestLine) => {
        const exchange = await rawSocketExchange(
          server.port,
          `${requestLine} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nPWNED`,
        );
        expect(exchange.status).toBe(400);
        expect(exchange.text).toContain('"error_code":"BAD_REQUEST"');
        expect(exchange.text).not.toContain('do not');
        await expectRootUnchanged();
      });

      it.each(['PUT', 'GET', 'DELETE'])('overlong UTF-8 dots (%s) are a 400', async (method) => {
        const response = await rawRequest(
          server.port,
          method,
          '/api/2.0/mlflow-artifacts/artifacts/%c0%ae%c0%ae/sentinel.txt',
          {
            ...(method === 'PUT' ? { body: 'PWNED' } : {}),
          },
        );
        expect(response.status).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
        expect(response.text).not.toContain('do not');
        await expectRootUnchanged();
      });

      it('overlong UTF-8 dots in a list query name a harmless path inside the root, as in MLflow', async () => {
        const response = await rawRequest(
          server.port,
          'GET',
          '/api/2.0/mlflow-artifacts/artifacts?path=%c0%ae%c0%ae/outside',
        );
        expect(response.status).toBe(200);
        expect(response.json).toEqual({});
      });
    });

    it('still serves after every attack', async () => {
      const health = await rawRequest(server.port, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.text).toBe('OK');
      const inside = await rawRequest(server.port, 'GET', '/api/2.0/mlflow-artifacts/artifacts/a/inside.txt');
      expect(inside.status).toBe(200);
      expect(inside.text).toBe('inside');
      await expectRootUnchanged();
    });

    it('deletes a directory holding a link to the outside without following it', async () => {
      const response = await rawRequest(server.port, 'DELETE', '/api/2.0/mlflow-artifacts/artifacts/holder');
      expect(response.status).toBe(200);
      expect(response.json).toEqual({});
      await expect(fs.lstat(path.join(root, 'holder'))).rejects.toThrow();
      await fs.mkdir(path.join(root, 'holder'));
      await fs.symlink(path.join(dir, 'outside'), path.join(root, 'holder', 'link'));
      await expectRootUnchanged();
    });
  },
);
