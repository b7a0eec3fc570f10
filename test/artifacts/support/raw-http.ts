import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { Readable } from 'node:stream';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  readonly json: any;
}

export interface RawRequestOptions {
  readonly body?: Buffer | string | Readable;
  readonly headers?: Record<string, string | number>;
}

/**
 * One HTTP request with the request target sent byte for byte as given: no URL parsing, no `..`
 * resolution, no re-encoding (fetch and undici normalise, which would hide what the server does
 * with an attack). A fresh connection each time, so one bad request cannot affect the next.
 */
export function rawRequest(
  port: number,
  method: string,
  target: string,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method,
      path: target,
      headers: options.headers,
      agent: false,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve(toResponse(response.statusCode ?? 0, response.headers, Buffer.concat(chunks))),
      );
    });
    const { body } = options;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      request.end(body);
    } else {
      body.on('error', (error) => request.destroy(error));
      body.pipe(request);
    }
  });
}

/** Bytes straight onto a socket, for what http.request itself refuses to send (a raw NUL in the target). */
export function rawSocketExchange(
  port: number,
  requestText: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(requestText, 'latin1'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

function toResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): RawResponse {
  const text = body.toString('utf8');
  const isJson = String(headers['content-type'] ?? '').includes('application/json') && text !== '';
  return { status, headers, body, text, json: isJson ? JSON.parse(text) : undefined };
}
