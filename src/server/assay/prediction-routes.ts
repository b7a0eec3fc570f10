import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { InvalidParameterError, PayloadTooLargeError } from '../../errors/assay-error.js';
import type { LoggedPrediction } from '../../serving/prediction-log/prediction-log.js';
import { ARROW_FILE_TYPE } from '../../serving/prediction-log/remote-prediction-sink.js';

/**
 * Predictions one query returns at most. Oldest-first results are streamed a stored batch at a
 * time, so memory does not grow with the limit; `latest` results are gathered (newest batches
 * are read first) and bounded by the same limit.
 */
const MAX_PREDICTIONS = 1_000_000;

/**
 * The largest batch a serving process may upload. Its log closes a batch at 32 MiB of Arrow file
 * (maxBatchBytes) or 8192 rows, whichever comes first; this leaves room for a log configured larger.
 */
export const MAX_BATCH_BYTES = 128 * 1024 * 1024;

/**
 * The prediction log: `GET /predictions` reads a deployment's logged predictions (oldest first,
 * with labels), `POST /predictions/labels` joins labels to them by id, and
 * `POST /predictions/batches` stores a batch recorded by a serving process that opened no store
 * (`assay serve --uri`): the batch's Arrow IPC file as the body, its source in the query.
 */
export const predictionRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  // In this plugin only: the upload's body as one buffer, bounded by its own limit.
  app.addContentTypeParser([ARROW_FILE_TYPE, 'application/octet-stream'], (request, payload, done) => {
    readBody(payload, request.headers['content-length']).then(
      (body) => done(null, body),
      (error: Error) => done(error),
    );
  });

  app.get(
    '/predictions',
    {
      schema: {
        querystring: Type.Object({
          deployment: Type.String({ minLength: 1 }),
          from: Type.Optional(Type.Integer()),
          to: Type.Optional(Type.Integer()),
          version: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PREDICTIONS })),
          latest: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request, reply) => {
      if (request.query.latest === true)
        return { predictions: await context.predictions.query(request.query) };
      return reply
        .type('application/json')
        .send(Readable.from(jsonPages(context.predictions.pages(request.query))));
    },
  );

  app.post('/predictions/labels', async (request) => {
    const body = request.body;
    const labels = Array.isArray(body) ? body : (body as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(labels)) {
      throw new InvalidParameterError(
        'The body must be a list of {"id": ..., "label": ...} (or {"labels": [...]})',
      );
    }
    return context.predictions.addLabels(labels as { id: unknown; label: unknown }[]);
  });

  app.post(
    '/predictions/batches',
    {
      schema: {
        querystring: Type.Object({
          deployment: Type.Optional(Type.String()),
          model: Type.Optional(Type.String()),
          version: Type.Optional(Type.String()),
          batch: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const body = request.body;
      if (!(body instanceof Uint8Array)) {
        throw new InvalidParameterError(
          `The body must be a prediction batch as an Arrow IPC file, sent as ${ARROW_FILE_TYPE}`,
        );
      }
      const { deployment = '', model = '', version, batch } = request.query;
      // The deployment, model and version are recorded as given: the registry need not know them
      // (a version deleted since it served still had its predictions).
      const stored = await context.predictions.storeBatch(
        { deployment, modelName: model, modelVersion: positiveInteger('version', version) },
        body,
        batch,
      );
      return { batch: stored };
    },
  );
};

function positiveInteger(field: string, text: string | undefined): number {
  if (text === undefined || text === '') throw new InvalidParameterError(`${field} is required`);
  if (!/^[1-9]\d{0,14}$/.test(text)) {
    throw new InvalidParameterError(`${field} must be a positive integer, got '${text}'`);
  }
  return Number(text);
}

/**
 * The body into one buffer of its own (which the log's thread can take over without a copy):
 * refused before a byte is read when it declares more than MAX_BATCH_BYTES, and as soon as it
 * streams past it when it declares nothing.
 */
async function readBody(payload: IncomingMessage, declared: string | undefined): Promise<Uint8Array> {
  const tooLarge = () =>
    new PayloadTooLargeError(`A prediction batch may be ${MAX_BATCH_BYTES} bytes at most`);
  const length = declared === undefined ? null : Number(declared);
  if (length !== null && length > MAX_BATCH_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of payload as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > MAX_BATCH_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const body = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/** `{"predictions": [...]}` written page by page, as the pages are read. */
async function* jsonPages(pages: AsyncGenerator<LoggedPrediction[]>): AsyncGenerator<string> {
  yield '{"predictions":[';
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? '' : ',') + page.map((prediction) => JSON.stringify(prediction)).join(',');
    first = false;
  }
  yield ']}';
}
