import fs from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InvalidParameterError } from '../../errors/assay-error.js';
import type { RecordDelimiter } from './record-boundaries.js';

/** A header row longer than this is refused (a file of one huge line is not a table). */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * The column names of a CSV file's header row, bytes [0, end) (the whole file when it is one
 * line). A column without a name is called `Unnamed: <index>` as pandas does (its `to_csv` writes
 * the index that way); a name used twice is refused, since columns are looked up by name.
 */
export async function readCsvHeader(
  file: string,
  end: number,
  delimiter: RecordDelimiter | null,
  sourceName: string,
): Promise<string[]> {
  if (end === 0) {
    throw new InvalidParameterError(`Dataset source ${sourceName} is empty: a CSV file needs a header row`);
  }
  if (end > MAX_HEADER_BYTES) {
    throw new InvalidParameterError(
      `The header row of ${sourceName} is longer than ${MAX_HEADER_BYTES} bytes`,
    );
  }
  const handle = await fs.open(file, 'r');
  let bytes: Buffer;
  try {
    bytes = Buffer.alloc(end);
    await handle.read(bytes, 0, bytes.length, 0);
  } finally {
    await handle.close();
  }
  let records: string[][];
  try {
    records = parse(bytes, {
      bom: true,
      relax_column_count: true,
      to: 1,
      ...(delimiter ? { record_delimiter: delimiter } : {}),
    }) as string[][];
  } catch (error) {
    throw new InvalidParameterError(`Invalid CSV header in ${sourceName}: ${(error as Error).message}`);
  }
  const header = records[0];
  if (!header || (header.length === 1 && header[0] === '')) {
    throw new InvalidParameterError(`Dataset source ${sourceName} has no header row`);
  }
  const names = header.map((name, i) => (name === '' ? `Unnamed: ${i}` : name));
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const earlier = first.get(name);
    if (earlier !== undefined) {
      throw new InvalidParameterError(
        `CSV header of ${sourceName} names column '${name}' twice (columns ${earlier + 1} and ${i + 1}); column names must be unique`,
      );
    }
    first.set(name, i);
  });
  return names;
}
