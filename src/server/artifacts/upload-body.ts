import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Transform, type Readable } from 'node:stream';
import { BadRequestError } from '../../errors/assay-error.js';

/** After a refused upload, at most this much more of the body is read and dropped before the connection is cut. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

export interface UploadBody {
  readonly stream: Readable;
  /** Bytes of the body taken from the request so far. */
  received(): number;
}

/**
 * The request body as a stream the store may destroy on failure without destroying the request
 * itself (which would close the socket before the error response is sent). A client that goes away
 * mid-upload fails the stream, so the store removes its partial file. With `limit`, the stream
 * fails once more than `limit.bytes` went through (for readers that do not count for themselves).
 */
function detachedBody(
  request: IncomingMessage,
  limit?: { readonly bytes: number; readonly tooLarge: () => Error },
): UploadBody {
  let received = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(limit && received > limit.bytes ? limit.tooLarge() : null, chunk);
    },
  });
  // The client's doing, not a server fault: a 400 (logged as a warning) if anything is still listening.
  const interrupted = (): void => {
    stream.destroy(new BadRequestError('Upload interrupted: the client closed the connection'));
  };
  const onClose = (): void => {
    if (!request.complete) interrupted();
  };
  request.once('close', onClose);
  request.once('error', interrupted);
  stream.once('close', () => {
    request.off('close', onClose);
    request.off('error', interrupted);
  });
  request.pipe(stream);
  return { stream, received: () => received };
}

/**
 * Runs `work` on an upload. `work` calls `openBody` when it wants the body (after checking what it
 * can without it): refused at once when the client declares more than `limit` bytes; `enforce`
 * also fails the body past the limit, for readers that do not count for themselves. Should `work`
 * fail, the rest of the body is dropped as discardUnreadBody says.
 */
export async function receiveUpload<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { readonly limit: number; readonly tooLarge: () => Error; readonly enforce: boolean },
  work: (openBody: () => Readable) => Promise<T>,
): Promise<T> {
  let body: UploadBody | undefined;
  const openBody = (): Readable => {
    const declared = declaredLength(request.headers['content-length']);
    if (declared !== undefined && declared > options.limit) throw options.tooLarge();
    body = detachedBody(
      request.raw,
      options.enforce ? { bytes: options.limit, tooLarge: options.tooLarge } : undefined,
    );
    return body.stream;
  };
  try {
    return await work(openBody);
  } catch (error) {
    discardUnreadBody(request.raw, body?.received() ?? 0, () => void reply.header('connection', 'close'));
    throw error;
  }
}

/** Upload size as declared by the client, when it declared one. */
function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/**
 * After an upload is refused before its end: clients such as Python's `requests` send the whole
 * body before reading the answer, so the rest is read and dropped to let them see the error. When
 * much more is still to come, `closeConnection` is called instead: the answer goes out and the
 * connection is closed rather than spending the bandwidth.
 */
function discardUnreadBody(request: IncomingMessage, received: number, closeConnection: () => void): void {
  if (request.complete || request.destroyed) return;
  request.unpipe();
  const declared = declaredLength(request.headers['content-length']);
  if (declared !== undefined && declared - received > MAX_DISCARDED_BYTES) {
    closeConnection();
    return;
  }
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) request.destroy();
  });
  request.resume();
}
