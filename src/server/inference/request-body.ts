import type { IncomingMessage } from 'node:http';
import { AssayError, BadRequestError } from '../../errors/assay-error.js';

/** Bodies up to this size are kept as the chunk they arrived in when they come in one. */
const ONE_READ_BYTES = 16 * 1024;
/** The alignment `alignAt` gets: enough for every tensor element (float64, int64). */
const ALIGNMENT = 8;

/**
 * A request's whole body, refused at once when its declared or actual length passes `limit`.
 *
 * A body of known length (Content-Length) beyond one socket read is copied into a buffer made for
 * it as its chunks arrive, so the chunks die young: kept until the end and concatenated, each large
 * request left the chunks and their concatenation to the heap's old generation, and a stream of
 * 1,000-row requests made full collections take a fifth of the HTTP thread (measured with
 * --trace-gc: 60 full collections in 25 s before, 3 after). `alignAt`, an offset in the body (a
 * KServe v2 request's binary part), is placed at a multiple of 8 bytes in memory, so that tensors
 * there are read in place, not copied.
 */
export function readRequestBody(
  request: IncomingMessage,
  limit: number,
  alignAt: number | null,
  buffers: BodyBuffers | null = null,
): Promise<Buffer> {
  const declared = request.headers['content-length'];
  const length = declared === undefined ? null : Number(declared);
  if (length !== null && length > limit) {
    request.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    let whole =
      length !== null && (length > ONE_READ_BYTES || alignAt !== null)
        ? bodyBuffer(length, alignAt, buffers)
        : null;
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      if (received + chunk.byteLength > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
        return;
      }
      if (whole !== null && received + chunk.byteLength > whole.byteLength) {
        // Longer than declared (Node's parser never lets that through): gathered as chunks.
        chunks.push(whole.subarray(0, received));
        whole = null;
      }
      if (whole !== null) chunk.copy(whole, received);
      else chunks.push(chunk);
      received += chunk.byteLength;
    });
    request.on('end', () => {
      if (whole !== null) resolve(whole.subarray(0, received));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    });
    request.on('error', (error) =>
      reject(new BadRequestError(`The request body could not be read: ${error.message}`)),
    );
  });
}

/** `length` bytes, with offset `alignAt` at a multiple of ALIGNMENT in memory. */
function bodyBuffer(length: number, alignAt: number | null, buffers: BodyBuffers | null): Buffer {
  const padding = alignAt === null ? 0 : (ALIGNMENT - (alignAt % ALIGNMENT)) % ALIGNMENT;
  const bytes = length + padding;
  return Buffer.from(buffers?.take(bytes) ?? new ArrayBuffer(bytes), padding, length);
}

/**
 * Large bodies' memory, reused from one request to the next of the same size, so that a stream of
 * large requests does not allocate a new ArrayBuffer per body. Under 1,000-row binary requests
 * (120 KB bodies) V8 kept running full collections, its collector threads taking about a quarter
 * of a core on a machine where the inference thread needs one; reusing the bodies measured 1-19%
 * more requests/s (median about 6%) in six interleaved pairs of 4 s points against the same build
 * without it; --trace-gc counted 31-41 full collections of the HTTP thread's heap in 8 s with it,
 * 47-67 without (those counts include the inference thread's few).
 * Kept by exact size (a view into a larger buffer would make postMessage copy all of it), at most
 * `maxFreeBytes` of them idle.
 *
 * A body goes back with `give` once its request is answered: by then everything that read it has
 * copied what it keeps (the batch, the prediction log, the shadow).
 */
export class BodyBuffers {
  private readonly idle = new Map<number, ArrayBuffer[]>();
  private readonly issued = new WeakSet<ArrayBuffer>();
  private idleBytes = 0;

  constructor(private readonly maxFreeBytes = 64 * 1024 * 1024) {}

  take(bytes: number): ArrayBuffer {
    const reused = this.idle.get(bytes)?.pop();
    if (reused !== undefined) {
      this.idleBytes -= bytes;
      return reused;
    }
    const made = new ArrayBuffer(bytes);
    this.issued.add(made);
    return made;
  }

  /** Takes back a body this pool gave out (any other buffer is left alone). */
  give(body: Uint8Array): void {
    const buffer = body.buffer as ArrayBuffer;
    // A detached buffer (moved to another thread) has no bytes left to reuse.
    if (!this.issued.has(buffer) || buffer.byteLength === 0) return;
    if (this.idleBytes + buffer.byteLength > this.maxFreeBytes) return;
    const list = this.idle.get(buffer.byteLength) ?? [];
    if (list.includes(buffer)) return;
    list.push(buffer);
    this.idle.set(buffer.byteLength, list);
    this.idleBytes += buffer.byteLength;
  }

  /** Bytes held idle, for tests. */
  get idleByteCount(): number {
    return this.idleBytes;
  }
}

/** As Fastify's body limit answered before the front: BAD_REQUEST, the code both protocols use for input. */
function tooLarge(): AssayError {
  return new AssayError(
    'BAD_REQUEST',
    'Request body is larger than the server allows (ASSAY_BODY_LIMIT_BYTES)',
    413,
  );
}
