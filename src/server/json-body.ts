import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies as MLflow reads them: an empty body is `{}` (clients send bodiless POSTs), malformed
 * JSON is a 400, and prototype-polluting keys are refused by Fastify's secure parser.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    parse(request, text, done);
  });
}
