import type { FastifyInstance } from 'fastify';

/**
 * Inference routes read their bodies as bytes: a KServe v2 body may be JSON followed by binary
 * tensors, and an MLflow scoring body may be CSV; the protocols parse them (and say what is wrong).
 * Scoped to the plugin that calls it.
 */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/** The request's body as bytes (empty when it had none). */
export function bodyBytes(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}
