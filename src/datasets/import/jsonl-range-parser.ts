import { InvalidParameterError } from '../../errors/assay-error.js';
import type { ColumnType } from '../dataset-table.js';
import type { EncodedBatch } from './encoded-batch.js';
import { JsonColumnEncoder } from './json-column-encoder.js';
import { readRange, type RangeTask } from './range-task.js';
import { sourceChangedError } from './source-changed.js';

const NEWLINE = 10;

/**
 * Parses one range of a JSONL file: one JSON object per line, blank lines skipped. Columns are the
 * objects' keys, in the order they first appear; a key missing from a line is a missing value.
 */
export async function* parseJsonlRange(task: RangeTask): AsyncGenerator<EncodedBatch> {
  const names: string[] = [...(task.forced?.names ?? [])];
  const forcedTypes = new Map<string, ColumnType>(
    task.forced ? task.forced.names.map((name, i) => [name, task.forced?.types[i] ?? 'string']) : [],
  );
  const indexOf = new Map(names.map((name, i) => [name, i]));
  const newEncoder = (name: string): JsonColumnEncoder =>
    new JsonColumnEncoder(task.batchRows, forcedTypes.get(name) ?? null);
  let encoders = names.map(newEncoder);
  let batchRows = 0;
  let consumed = 0;
  const ready: EncodedBatch[] = [];
  let line = task.firstLine;

  const finishBatch = (): void => {
    ready.push({
      rows: batchRows,
      names: [...names],
      columns: encoders.map((encoder) => encoder.finish()),
      sourceBytes: task.start + consumed,
    });
    encoders = names.map(newEncoder);
    batchRows = 0;
  };

  const addRow = (text: string): void => {
    const row = parseLine(text, line);
    if (row === undefined) return;
    for (let i = 0; i < encoders.length; i++) {
      const name = names[i] as string;
      // Own keys only: a row without "constructor" must not read Object.prototype's.
      (encoders[i] as JsonColumnEncoder).append(Object.hasOwn(row, name) ? row[name] : undefined);
    }
    for (const key in row) {
      if (indexOf.has(key)) continue;
      if (task.forced) throw sourceChangedError(`line ${line} has a key '${key}' not seen before`);
      const encoder = newEncoder(key);
      encoder.skip(batchRows);
      encoder.append(row[key]);
      indexOf.set(key, names.length);
      names.push(key);
      encoders.push(encoder);
    }
    batchRows += 1;
    if (batchRows >= task.batchRows) finishBatch();
  };

  const input = readRange(task);
  let rest: Buffer | null = null;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const buffer: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (
        let newline = buffer.indexOf(NEWLINE, start);
        newline >= 0;
        newline = buffer.indexOf(NEWLINE, start)
      ) {
        addRow(buffer.toString('utf8', start, newline));
        consumed += newline + 1 - start;
        start = newline + 1;
        line += 1;
      }
      rest = start < buffer.length ? buffer.subarray(start) : null;
      yield* ready.splice(0);
    }
    if (rest) {
      addRow(rest.toString('utf8'));
      consumed += rest.length;
    }
    if (batchRows > 0) finishBatch();
    yield* ready.splice(0);
  } finally {
    input.destroy();
  }
}

function parseLine(text: string, line: number): Record<string, unknown> | undefined {
  // A byte-order mark may open the file; JSON.parse takes no BOM.
  const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
  if (trimmed === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new InvalidParameterError(`Invalid JSON at line ${line}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new InvalidParameterError(
      `Invalid JSONL at line ${line}: expected an object ({"column": value, ...}), found ${what}`,
    );
  }
  return value as Record<string, unknown>;
}
