import { once } from 'node:events';
import { CsvError, parse } from 'csv-parse';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { CsvBatchBuilder, raggedRowMessage } from './csv-batch-builder.js';
import type { EncodedBatch } from './encoded-batch.js';
import { readRange, type RangeTask } from './range-task.js';
import { splitCsvRange } from './csv-split-parser.js';

/**
 * Parses one range of a CSV file. Fields keep their text exactly (no trimming); an empty field is
 * missing. A range with quotes goes through csv-parse; one without (see csv-split-parser.ts) is
 * split on commas and line ends, which is all csv-parse would do with it, five times faster.
 * Consecutive ranges parsed on one thread share `builder`, so that their batches are full-size
 * (`last`: the range that ends the file, which converts what is left).
 */
export function parseCsvRange(
  task: RangeTask,
  builder = new CsvBatchBuilder(task),
  last = true,
): AsyncGenerator<EncodedBatch> {
  const simple = !task.quoted && (task.delimiter === '\n' || task.delimiter === '\r\n');
  return simple ? splitCsvRange(task, builder, last) : csvParseRange(task, builder, last);
}

/**
 * csv-parse over the range. The range at offset 0 starts with the header row, which csv-parse then
 * checks every record against; other ranges check their first record here, and csv-parse the rest
 * against it.
 */
async function* csvParseRange(
  task: RangeTask,
  builder: CsvBatchBuilder,
  last: boolean,
): AsyncGenerator<EncodedBatch> {
  const atStart = task.start === 0;
  let fed = 0;
  let failure: unknown;
  let firstRecord = true;
  /** Line (within the range) of the last complete record: an unclosed quote opens after it. */
  let lastRecordLine = 0;

  const parser = parse({
    skip_empty_lines: true,
    relax_column_count: false,
    bom: atStart,
    ...(task.delimiter ? { record_delimiter: task.delimiter } : {}),
  });
  parser.on('data', (record: string[]) => {
    lastRecordLine = parser.info.lines;
    if (firstRecord) {
      firstRecord = false;
      // The header row: already read, and csv-parse now checks every record against it.
      if (atStart) return;
      if (record.length !== builder.columns) {
        const line = task.firstLine + lastRecordLine - 1;
        failure ??= new InvalidParameterError(raggedRowMessage(line, record.length, builder.columns));
        return;
      }
    }
    builder.add(record, task.start + fed);
  });
  const ended = new Promise<void>((resolve) => {
    parser.once('end', resolve);
    parser.once('error', (error) => {
      failure ??= error;
      resolve();
    });
  });

  const input = readRange(task);
  const fail = (): Error => csvError(failure, task.firstLine, builder.columns, lastRecordLine);
  try {
    for await (const buffer of input as AsyncIterable<Buffer>) {
      fed += buffer.length;
      if (!parser.write(buffer) && failure === undefined) await Promise.race([once(parser, 'drain'), ended]);
      if (failure !== undefined) throw fail();
      yield* builder.ready.splice(0);
    }
    parser.end();
    await ended;
    if (failure !== undefined) throw fail();
    if (last) builder.finish(task.start + fed);
    yield* builder.ready.splice(0);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** csv-parse's error, with the line counted from the top of the file. */
function csvError(error: unknown, firstLine: number, columns: number, lastRecordLine: number): Error {
  if (!(error instanceof CsvError)) return error instanceof Error ? error : new Error(String(error));
  const info = error as CsvError & { lines?: number; record?: unknown[] };
  const line = firstLine + (info.lines ?? 1) - 1;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const fields = Array.isArray(info.record) ? info.record.length : 0;
      return new InvalidParameterError(raggedRowMessage(line, fields, columns));
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InvalidParameterError(
        `Invalid CSV at line ${firstLine + lastRecordLine}: a quoted field on this line is never closed`,
      );
    case 'INVALID_OPENING_QUOTE':
      return new InvalidParameterError(
        `Invalid CSV at line ${line}: a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new InvalidParameterError(
        `Invalid CSV at line ${line}: a quoted field continues after its closing quote (double a quote inside a quoted field: "a ""b"" c")`,
      );
    default:
      return new InvalidParameterError(
        `Invalid CSV near line ${line}: ${error.message.replace(/\s*(on|at) line \d+/, '')}`,
      );
  }
}
