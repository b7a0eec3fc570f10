import { Message, RecordBatchReader, type RecordBatch } from 'apache-arrow';
import type { ArtifactFile } from '../../artifacts/artifact-store.js';

const MAGIC = Buffer.from('ARROW1');
/** "ARROW1" and two bytes of padding open an Arrow IPC file; the streaming format follows. */
const HEAD_BYTES = 8;
/** A message opens with 0xFFFFFFFF and the length of its metadata (Arrow >= 0.15). */
const CONTINUATION = 0xffffffff;
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * The record batches of an Arrow IPC file written by ArrowFileEncoder, front to back, one batch in
 * memory at a time. Each message is read with exactly two reads, its metadata and its body, and
 * handed to apache-arrow as chunks that line up with what it asks for, so the body is decoded in
 * place: streaming the file in fixed-size chunks made apache-arrow join them into every body,
 * and copying and collecting those buffers cost three to four times the reading itself.
 * The footer is never read. `file` is closed when the iteration ends, early or not.
 *
 * `reuseMemory` reads every batch into the same memory: scanning a large file then allocates
 * nothing per batch, which spares the garbage collections that tens of MB of new buffers per
 * batch set off (they were most of a scan's cost); the caller must be done with a batch before it
 * asks for the next.
 */
export async function* readArrowFile(
  file: ArtifactFile,
  options: { reuseMemory?: boolean } = {},
): AsyncGenerator<RecordBatch> {
  try {
    const head = await file.read(0, HEAD_BYTES);
    if (head.length < HEAD_BYTES || !MAGIC.equals(head.subarray(0, MAGIC.length))) {
      throw new Error('Stored dataset is not an Arrow IPC file');
    }
    const reader = await RecordBatchReader.from(messageChunks(file, options.reuseMemory === true));
    for await (const batch of reader) yield batch;
  } finally {
    await file.close();
  }
}

/**
 * The stream of messages after the head, each as [prefix + metadata] and [body]. With `reuse`,
 * every body is read into the same buffer: a batch is then only valid until the next is read.
 */
async function* messageChunks(file: ArtifactFile, reuse: boolean): AsyncGenerator<Uint8Array> {
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
    const message = Message.decode(framed.subarray(prefixBytes));
    yield framed;
    position += framed.length;
    if (message.bodyLength > 0) {
      if (reuse && (scratch === undefined || scratch.byteLength < message.bodyLength)) {
        scratch = new Uint8Array(message.bodyLength);
      }
      const body = await file.read(position, message.bodyLength, reuse ? scratch : undefined);
      if (body.length < message.bodyLength) throw new Error('Stored dataset file is truncated');
      yield body;
      position += body.length;
    }
  }
  yield END_OF_STREAM;
}
