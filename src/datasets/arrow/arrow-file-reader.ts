import type { Readable } from 'node:stream';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';

const MAGIC = Buffer.from('ARROW1');
/** "ARROW1" and two bytes of padding open an Arrow IPC file; the streaming format follows. */
const HEAD_BYTES = 8;

/**
 * The record batches of an Arrow IPC file written by ArrowFileEncoder, read front to back from a
 * stream: past the leading magic, the file is a stream of messages (schema, batches, end marker),
 * so only one batch at a time is in memory. The footer is never read. `stream` is destroyed when
 * the iteration ends, early or not.
 */
export async function* readArrowFile(stream: Readable): AsyncGenerator<RecordBatch> {
  try {
    const reader = await RecordBatchReader.from(skipHead(stream));
    for await (const batch of reader) yield batch;
  } finally {
    stream.destroy();
  }
}

async function* skipHead(stream: Readable): AsyncGenerator<Uint8Array> {
  let head = Buffer.alloc(0);
  let skipped = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (skipped) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < HEAD_BYTES) continue;
    if (!head.subarray(0, MAGIC.length).equals(MAGIC))
      throw new Error('Stored dataset is not an Arrow IPC file');
    skipped = true;
    if (head.length > HEAD_BYTES) yield head.subarray(HEAD_BYTES);
  }
  if (!skipped) throw new Error('Stored dataset is not an Arrow IPC file (too short)');
}
