import type { FastifyInstance } from 'fastify';

/** One structured log line per request: method, path, status, duration. */
export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const line = {
      method: request.method,
      url: request.url,
      status,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      remote: request.ip,
    };
    if (status >= 500) request.log.error(line, 'request');
    else if (status >= 400) request.log.warn(line, 'request');
    else request.log.info(line, 'request');
    done();
  });
}
