import type { RecordBatch, Schema } from 'apache-arrow';
import { arrow } from './apache-arrow.js';

/** Collects what the writer emits, synchronously, instead of queueing it for an async reader. */
class CollectingSink extends arrow.AsyncByteQueue {
  chunks: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.chunks.push(value);
  }

  take(): Uint8Array[] {
    const chunks = this.chunks;
    this.chunks = [];
    return chunks;
  }
}

/**
 * apache-arrow's file writer, with the schema message after the leading magic as the Arrow spec
 * lays the file format out ("magic, padding, the streaming format, footer"), and as Arrow C++ and
 * pyarrow write it; apache-arrow's JS writer leaves it out, keeping the schema only in the footer.
 * With it, a stored file can be read front to back as a stream (the artifact store gives streams,
 * not random access) and still opened as a file by any Arrow reader.
 */
class SpecFileWriter extends arrow.RecordBatchFileWriter {
  protected override _writeSchema(schema: Schema): this {
    this._writeMagic()._writePadding(2);
    return this._writeMessage(arrow.Message.from(schema));
  }
}

/** Encodes record batches as an Arrow IPC file, handing out the bytes batch by batch. */
export class ArrowFileEncoder {
  private readonly sink = new CollectingSink();
  private readonly writer = new SpecFileWriter();

  constructor() {
    this.writer.reset(this.sink);
  }

  /** The bytes for `batch` (the first call also writes the file's head), as views of its buffers. */
  write(batch: RecordBatch): Uint8Array[] {
    this.writer.write(batch);
    return this.sink.take();
  }

  /** The end of the file: end-of-stream marker, footer, magic. */
  finish(): Uint8Array[] {
    this.writer.finish();
    return this.sink.take();
  }
}
