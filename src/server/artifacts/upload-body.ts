import type { IncomingMessage } from 'node:http';
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
 * mid-upload fails the stream, so the store removes its partial file.
 */
export function detachedBody(request: IncomingMessage): UploadBody {
  let received = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(null, chunk);
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

/** Upload size as declared by the client, when it declared one. */
export function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/**
 * After an upload is refused before its end: clients such as Python's `requests` send the whole
 * body before reading the answer, so the rest is read and dropped to let them see the error. When
 * much more is still to come, `closeConnection` is called instead: the answer goes out and the
 * connection is closed rather than spending the bandwidth.
 */
export function discardUnreadBody(
  request: IncomingMessage,
  received: number,
  closeConnection: () => void,
): void {
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
