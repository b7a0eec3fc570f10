import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError } from '../../src/errors/assay-error.js';
import { readRequestBody } from '../../src/server/inference/request-body.js';

const LIMIT = 1024 * 1024;

/** What readRequestBody gave the server for the last request. */
let last: { body: Buffer | null; error: unknown } = { body: null, error: null };

describe('readRequestBody over real HTTP', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const alignAt = request.headers['x-align-at'];
      readRequestBody(request, LIMIT, alignAt === undefined ? null : Number(alignAt)).then(
        (body) => {
          last = { body, error: null };
          response.end('ok');
        },
        (error: unknown) => {
          last = { body: null, error };
          response.writeHead(413).end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Sends `body` in `pieces` writes; with `chunked`, without a Content-Length. */
  function send(body: Buffer, headers: Record<string, string>, chunked = false): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          headers: chunked ? headers : { ...headers, 'content-length': String(body.byteLength) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      for (let at = 0; at < body.byteLength; at += 50_000) request.write(body.subarray(at, at + 50_000));
      request.end();
    });
  }

  const bytes = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7) % 251));

  it('gathers a large declared body whole, its binary part at a multiple of 8 bytes in memory', async () => {
    const body = bytes(300_000);
    for (const alignAt of [0, 1, 13, 4097]) {
      expect(await send(body, { 'x-align-at': String(alignAt) })).toBe(200);
      expect(last.body?.equals(body)).toBe(true);
      expect(((last.body?.byteOffset ?? 1) + alignAt) % 8).toBe(0);
    }
  });

  it('gathers bodies without a declared length, and small ones, whole', async () => {
    const large = bytes(200_000);
    expect(await send(large, {}, true)).toBe(200);
    expect(last.body?.equals(large)).toBe(true);
    const small = bytes(300);
    expect(await send(small, {})).toBe(200);
    expect(last.body?.equals(small)).toBe(true);
  });

  it('refuses a body over the limit, declared or streamed, with 413', async () => {
    const tooLarge = bytes(LIMIT + 1);
    for (const chunked of [false, true]) {
      expect(await send(tooLarge, {}, chunked)).toBe(413);
      expect(last.error).toBeInstanceOf(AssayError);
      expect(last.error).toMatchObject({ httpStatus: 413 });
    }
  });
});
