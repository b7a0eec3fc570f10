import type { RecordBatch } from 'apache-arrow';
import type { ArtifactFile } from '../../artifacts/artifact-store.js';
import type { SharedMemoryPool } from '../../util/shared-memory-pool.js';
import { arrow } from './apache-arrow.js';

const MAGIC = Buffer.from('ARROW1');
/** "ARROW1" and two bytes of padding open an Arrow IPC file; the streaming format follows. */
const HEAD_BYTES = 8;
/** A message opens with 0xFFFFFFFF and the length of its metadata (Arrow >= 0.15). */
const CONTINUATION = 0xffffffff;
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** Where each record batch's body is read to. */
export type BodyMemory =
  /** Memory of its own for every body. */
  | 'fresh'
  /**
   * The same memory for every body: scanning a large file then allocates nothing per batch, which
   * spares the garbage collections that tens of MB of new buffers per batch set off (they were
   * most of a scan's cost); the caller must be done with a batch before it asks for the next.
   */
  | 'reuse'
  /** Shared memory from the pool, which the caller gives back (StoredRecordBatch.body) when done. */
  | SharedMemoryPool;

export interface StoredRecordBatch {
  readonly batch: RecordBatch;
  /** The memory the batch's columns view, when it came from a pool; null otherwise. */
  readonly body: Uint8Array | null;
}

/**
 * The record batches of an Arrow IPC file written by ArrowFileEncoder, front to back, one batch in
 * memory at a time. Each message is read with exactly two reads, its metadata and its body, and
 * handed to apache-arrow as chunks that line up with what it asks for, so the body is decoded in
 * place: streaming the file in fixed-size chunks made apache-arrow join them into every body,
 * and copying and collecting those buffers cost three to four times the reading itself.
 * The footer is never read. `file` is closed when the iteration ends, early or not.
 */
export async function* readArrowFile(
  file: ArtifactFile,
  options: { bodies?: BodyMemory } = {},
): AsyncGenerator<StoredRecordBatch> {
  try {
    const head = await file.read(0, HEAD_BYTES);
    if (head.length < HEAD_BYTES || !MAGIC.equals(head.subarray(0, MAGIC.length))) {
      throw new Error('Stored dataset is not an Arrow IPC file');
    }
    const messages = new MessageChunks(file, options.bodies ?? 'fresh');
    const reader = await arrow.RecordBatchReader.from(messages.chunks());
    // apache-arrow asks for the next message only when it decodes the next batch, so the body
    // read last is this batch's.
    for await (const batch of reader) yield { batch, body: messages.pooledBody };
  } finally {
    await file.close();
  }
}

/** The stream of messages after the head, each as [prefix + metadata] and [body]. */
class MessageChunks {
  /** The body read last, when it came from a pool. */
  pooledBody: Uint8Array | null = null;

  constructor(
    private readonly file: ArtifactFile,
    private readonly bodies: BodyMemory,
  ) {}

  async *chunks(): AsyncGenerator<Uint8Array> {
    const file = this.file;
    let position = HEAD_BYTES;
    let scratch: Uint8Array | undefined;
    for (;;) {
      const prefix = await file.read(position, 8);
      if (prefix.length < 8) break;
      const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
      const continued = view.getUint32(0, true) === CONTINUATION;
      const prefixBytes = continued ? 8 : 4;
      const metadataBytes = continued ? view.getInt32(4, true) : view.getInt32(0, true);
      if (metadataBytes === 0) break;
      const framed = await file.read(position, prefixBytes + metadataBytes);
      if (framed.length < prefixBytes + metadataBytes) throw new Error('Stored dataset file is truncated');
      const message = arrow.Message.decode(framed.subarray(prefixBytes));
      yield framed;
      position += framed.length;
      if (message.bodyLength > 0) {
        let into: Uint8Array | undefined;
        if (this.bodies === 'reuse') {
          if (scratch === undefined || scratch.byteLength < message.bodyLength) {
            scratch = new Uint8Array(message.bodyLength);
          }
          into = scratch;
        } else if (this.bodies !== 'fresh') {
          into = this.bodies.take(message.bodyLength);
          this.pooledBody = into;
        }
        const body = await file.read(position, message.bodyLength, into);
        if (body.length < message.bodyLength) throw new Error('Stored dataset file is truncated');
        yield body;
        position += body.length;
      }
    }
    yield END_OF_STREAM;
  }
}
