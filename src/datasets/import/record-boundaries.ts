const LF = 10;
const CR = 13;
const QUOTE = 34;

export interface Boundary {
  /** Byte offset where a record starts. */
  readonly offset: number;
  /** Its 1-based line number. */
  readonly line: number;
  /** CSV: quote characters before it (a range without any is parsed without csv-parse). */
  readonly quotes: number;
}

/** How CSV records end, as csv-parse decides from the first one: '\r\n', '\n' or '\r'. */
export type RecordDelimiter = '\r\n' | '\n' | '\r';

/**
 * Finds where a CSV or JSONL file can be cut into ranges that parse independently: record starts
 * at least `rangeBytes` apart, the first at 0. Fed the file chunk by chunk while it is hashed; cheap,
 * as it looks at quotes and line feeds with Buffer.indexOf.
 *
 * CSV follows csv-parse: the first record's end (outside quotes) fixes the record delimiter for the
 * whole file, and only that delimiter ends records afterwards (in a '\r\n' file a lone '\n' is
 * text). A line feed is outside quotes when the number of quotes before it is even, since quotes
 * inside a field are doubled (RFC 4180). A '\r' file is not cut (ranges need line feeds).
 */
export class BoundaryFinder {
  readonly boundaries: Boundary[] = [{ offset: 0, line: 1, quotes: 0 }];
  /** CSV: the delimiter, once the first record's end is seen (null: not seen, one line at most). */
  delimiter: RecordDelimiter | null = null;
  /** CSV: the offset just past the first record (the header), once seen. */
  headerEnd: number | null = null;
  /** Quote characters so far (CSV). */
  quotes = 0;
  private offset = 0;
  private lines = 0;
  private previousByte = -1;
  /** The next boundary is the first record start at or after this offset. */
  private target: number;

  constructor(
    private readonly rangeBytes: number,
    private readonly csv: boolean,
  ) {
    this.target = rangeBytes;
  }

  update(chunk: Buffer): void {
    let position = 0;
    if (this.csv && this.delimiter === null) position = this.findFirstRecordEnd(chunk);
    const splittable = !this.csv || this.delimiter === '\n' || this.delimiter === '\r\n';
    while (splittable && this.offset + chunk.length >= this.target) {
      // A record starting at the target ends the one before at target - 1.
      const from = Math.max(this.target - 1 - this.offset, position);
      this.advance(chunk, position, from);
      position = from;
      const end = this.nextRecordEnd(chunk, position);
      if (end < 0) break;
      this.advance(chunk, position, end + 1);
      position = end + 1;
      this.boundaries.push({ offset: this.offset + position, line: this.lines + 1, quotes: this.quotes });
      this.target = this.offset + position + this.rangeBytes;
    }
    this.advance(chunk, position, chunk.length);
    this.previousByte = chunk.length > 0 ? (chunk[chunk.length - 1] as number) : this.previousByte;
    this.offset += chunk.length;
  }

  /** Counts quotes and line feeds in chunk[from, to). */
  private advance(chunk: Buffer, from: number, to: number): void {
    if (this.csv) this.quotes += countByte(chunk, QUOTE, from, to);
    this.lines += countByte(chunk, LF, from, to);
  }

  /** The first line feed at or after `from` that ends a record, or -1. Leaves the counts at `from`. */
  private nextRecordEnd(chunk: Buffer, from: number): number {
    let parity = this.quotes & 1;
    let at = from;
    for (;;) {
      const lf = chunk.indexOf(LF, at);
      if (lf < 0) return -1;
      if (this.csv) parity ^= countByte(chunk, QUOTE, at, lf) & 1;
      const before = lf > 0 ? chunk[lf - 1] : this.previousByte;
      if (parity === 0 && (this.delimiter !== '\r\n' || before === CR)) return lf;
      at = lf + 1;
    }
  }

  /**
   * Reads the header byte by byte (it is short) up to its end, where csv-parse would find the
   * record delimiter; returns the position reached, with the counts up to it.
   */
  private findFirstRecordEnd(chunk: Buffer): number {
    for (let at = 0; at < chunk.length; at++) {
      const byte = chunk[at];
      if (this.previousByte === CR && (this.quotes & 1) === 0) {
        this.delimiter = byte === LF ? '\r\n' : '\r';
        this.headerEnd = this.offset + at + (byte === LF ? 1 : 0);
        if (byte === LF) this.lines += 1;
        this.previousByte = byte ?? -1;
        return at + (byte === LF ? 1 : 0);
      }
      if (byte === QUOTE) this.quotes += 1;
      else if (byte === LF && (this.quotes & 1) === 0) {
        this.delimiter = '\n';
        this.headerEnd = this.offset + at + 1;
        this.lines += 1;
        return at + 1;
      } else if (byte === LF) this.lines += 1;
      this.previousByte = byte ?? -1;
    }
    return chunk.length;
  }
}

function countByte(chunk: Buffer, byte: number, from: number, to: number): number {
  let count = 0;
  for (let at = chunk.indexOf(byte, from); at >= 0 && at < to; at = chunk.indexOf(byte, at + 1)) count += 1;
  return count;
}
