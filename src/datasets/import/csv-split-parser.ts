import { InvalidParameterError } from '../../errors/assay-error.js';
import { raggedRowMessage, type CsvBatchBuilder } from './csv-batch-builder.js';
import type { EncodedBatch } from './encoded-batch.js';
import { readRange, type RangeTask } from './range-task.js';

const LF = 10;
const CR = 13;

/**
 * Parses a CSV range that holds no quote character at all. Without quotes, CSV has no escapes: a
 * record is the text up to the record delimiter and its fields are what lies between commas;
 * csv-parse computes exactly that, one byte at a time through its general state machine (about
 * 30 MB/s, most of a large import), while splitting does it with String.prototype.indexOf/split
 * (about 150 MB/s). The rules kept from csv-parse with the options Assay uses: the delimiter
 * found in the header only ('\n' or '\r\n'; in a '\r\n' file a lone '\n' is text, and in a '\n'
 * file a '\r' is), empty records skipped, every record as long as the header, a BOM only at the
 * file's start (on the header, skipped here). test/datasets/csv-parsers.test.ts checks that both
 * parsers agree.
 */
export async function* splitCsvRange(
  task: RangeTask,
  builder: CsvBatchBuilder,
  last: boolean,
): AsyncGenerator<EncodedBatch> {
  const delimiter = task.delimiter === '\r\n' ? '\r\n' : '\n';
  const delimiterBytes = Buffer.from(delimiter);
  let skipHeader = task.start === 0;
  let line = task.firstLine;
  let fed = 0;

  const addRecords = (text: string, last: boolean): void => {
    let position = 0;
    while (position < text.length) {
      let end = text.indexOf(delimiter, position);
      if (end < 0) {
        if (!last) throw new Error('a chunk of CSV text ends inside a record');
        end = text.length;
      }
      const record = text.slice(position, end);
      const recordLine = line;
      line += 1;
      // A lone '\n' inside a record of a '\r\n' file is text, but still a line.
      if (delimiter === '\r\n')
        for (let at = record.indexOf('\n'); at >= 0; at = record.indexOf('\n', at + 1)) line += 1;
      position = end + delimiter.length;
      if (record === '') continue;
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const fields = record.split(',');
      if (fields.length !== builder.columns) {
        throw new InvalidParameterError(raggedRowMessage(recordLine, fields.length, builder.columns));
      }
      builder.add(fields, task.start + fed);
    }
  };

  const input = readRange(task);
  let rest: Buffer | null = null;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      fed += chunk.length;
      const buffer: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      // Decode whole records only: a chunk may end inside a record, or inside a UTF-8 character.
      const cut = lastRecordEnd(buffer, delimiterBytes);
      if (cut < 0) {
        rest = buffer;
        continue;
      }
      addRecords(buffer.toString('utf8', 0, cut), false);
      rest = cut < buffer.length ? buffer.subarray(cut) : null;
      yield* builder.ready.splice(0);
    }
    if (rest) addRecords(rest.toString('utf8'), true);
    if (last) builder.finish(task.start + fed);
    yield* builder.ready.splice(0);
  } finally {
    input.destroy();
  }
}

/** The offset just past the last record delimiter in `buffer`, or -1. */
function lastRecordEnd(buffer: Buffer, delimiter: Buffer): number {
  if (delimiter.length === 1) {
    const at = buffer.lastIndexOf(LF);
    return at < 0 ? -1 : at + 1;
  }
  for (let at = buffer.lastIndexOf(LF); at > 0; at = buffer.lastIndexOf(LF, at - 1)) {
    if (buffer[at - 1] === CR) return at + 1;
  }
  return -1;
}
