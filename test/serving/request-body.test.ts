import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError } from '../../src/errors/assay-error.js';
import { BodyBuffers, readRequestBody } from '../../src/server/inference/request-body.js';

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

describe('BodyBuffers', () => {
  it('gives a body of the same size the memory of one answered before it', () => {
    const buffers = new BodyBuffers();
    const first = buffers.take(1000);
    const other = buffers.take(2000);
    expect(buffers.take(1000)).not.toBe(first);
    buffers.give(Buffer.from(first, 3, 990));
    expect(buffers.idleByteCount).toBe(1000);
    // Taken by size exactly: a 2,000-byte body does not get it, a 1,000-byte one does.
    expect(buffers.take(2000)).not.toBe(first);
    expect(buffers.take(1000)).toBe(first);
    expect(buffers.idleByteCount).toBe(0);
    buffers.give(Buffer.from(other));
    expect(buffers.take(2000)).toBe(other);
  });

  it('keeps no buffer it did not give out, none twice, none moved away, and no more than its bound idle', () => {
    const buffers = new BodyBuffers(3000);
    buffers.give(Buffer.alloc(1000));
    expect(buffers.idleByteCount).toBe(0);
    const a = buffers.take(1000);
    buffers.give(Buffer.from(a));
    buffers.give(Buffer.from(a));
    expect(buffers.idleByteCount).toBe(1000);
    expect(buffers.take(1000)).toBe(a);
    // Transferred to another thread: detached, nothing left to reuse.
    const moved = buffers.take(1000);
    const view = new Uint8Array(moved);
    structuredClone(moved, { transfer: [moved] });
    buffers.give(view);
    expect(buffers.idleByteCount).toBe(0);
    const [x, y, z] = [buffers.take(1500), buffers.take(1500), buffers.take(1500)];
    for (const buffer of [x, y, z]) buffers.give(Buffer.from(buffer));
    expect(buffers.idleByteCount).toBe(3000);
    expect(buffers.take(1500)).toBe(y);
  });

  it('over HTTP: a body read into reused memory holds its own bytes', async () => {
    const buffers = new BodyBuffers();
    const server = createServer((request, response) => {
      readRequestBody(request, LIMIT, 5, buffers).then(
        (body) => {
          response.end(body.toString('hex'));
          buffers.give(body);
        },
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const fill of [1, 2, 3]) {
        const body = Buffer.alloc(40_000, fill);
        const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body });
        expect(await response.text()).toBe(body.toString('hex'));
      }
      // One 40,000-byte buffer (plus its alignment padding) served all three.
      expect(buffers.idleByteCount).toBe(40_003);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
