/**
 * The calibration servers of `npm run bench:serving`, one per process, run compiled from
 * .bench-build/serving/ on plain Node (bare-process.ts compiles and starts it). They show what
 * HTTP alone costs on this machine under the same load as `assay serve`, so that the issue's
 * targets, set on another machine against a bare Node server, can be read like for like.
 *
 *   bare-server.js node     node:http; reads the whole body, answers a fixed JSON, parses nothing
 *   bare-server.js fastify  Fastify 5, no logger; one POST route, the body parsed by Fastify's
 *                           default JSON parser, a fixed JSON answered
 *
 * Listens on 127.0.0.1, a port of the kernel's choosing, and prints `{"port":N}` once listening;
 * SIGTERM ends it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const ANSWER = '{"ok":true}';
/** The path `assay serve` answers KServe v2 inference on, so that the request bytes are the same. */
const ROUTE = '/v2/models/:model/infer';

async function listenNode(): Promise<number> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The whole body in one buffer, as a server that parses it would hold it; not parsed.
      Buffer.concat(chunks);
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(ANSWER),
      });
      response.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function listenFastify(): Promise<number> {
  const app = Fastify({ logger: false });
  app.post(ROUTE, async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

const kind = process.argv[2];
if (kind !== 'node' && kind !== 'fastify') throw new Error(`unknown server ${kind}`);
const port = kind === 'node' ? await listenNode() : await listenFastify();
console.log(JSON.stringify({ port }));
