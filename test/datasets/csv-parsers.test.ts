import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvRange } from '../../src/datasets/import/csv-range-parser.js';
import type { EncodedBatch } from '../../src/datasets/import/encoded-batch.js';
import type { RecordDelimiter } from '../../src/datasets/import/record-boundaries.js';

/*
 * A CSV range without quotes is split on commas and line ends instead of going through csv-parse
 * (csv-split-parser.ts). Both must give the same batches, and the same errors, on any such text.
 */

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'assay-csv-parsers-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function parseBoth(
  text: string,
  header: string[],
  delimiter: RecordDelimiter,
): Promise<[unknown, unknown]> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.csv`);
  await fs.writeFile(file, text);
  const size = Buffer.byteLength(text);
  const run = async (quoted: boolean): Promise<unknown> => {
    const task = {
      format: 'csv' as const,
      file,
      start: 0,
      end: size,
      firstLine: 1,
      header,
      delimiter,
      quoted,
      forced: null,
      batchRows: 7,
    };
    const batches: EncodedBatch[] = [];
    try {
      for await (const batch of parseCsvRange(task)) batches.push(batch);
    } catch (error) {
      return { error: (error as Error).message };
    }
    // Progress positions differ (the parsers read differently); the data may not.
    return batches.map((batch) => ({ ...batch, sourceBytes: 0 }));
  };
  return [await run(true), await run(false)];
}

describe('splitting a quote-free CSV range agrees with csv-parse', () => {
  it.each([
    ['LF', 'a,b,c\n1,2,3\n4,,x\n\n5,6,7\n', '\n'],
    ['no final line end', 'a,b,c\n1,2,3\n4,5,6', '\n'],
    ['CRLF', 'a,b,c\r\n1,2,3\r\n4,5,6\r\n\r\n7,8,9\r\n', '\r\n'],
    ['a lone LF inside a CRLF record is text', 'a,b\r\n1,x\ny\r\n2,3\r\n', '\r\n'],
    ['a CR inside an LF record is text', 'a,b\n1,x\ry\n2,3\r\n', '\n'],
    ['one column with empty lines', 'a\n1\n\n2\n\n', '\n'],
    ['spaces and unicode kept', 'a,b\n  Zoë , 李雷 \n1.5e3,-0\n', '\n'],
    ['a BOM on the header', '\uFEFFa,b\n1,2\n', '\n'],
    ['ragged: short', 'a,b,c\n1,2,3\n4,5\n', '\n'],
    ['ragged: long, CRLF', 'a,b\r\n1,2\r\n3,4,5\r\n', '\r\n'],
  ] as const)('%s', async (_name, text, delimiter) => {
    const header =
      text
        .replace(/^\uFEFF/, '')
        .split(delimiter)[0]
        ?.split(',') ?? [];
    const [viaCsvParse, viaSplit] = await parseBoth(text, header, delimiter);
    expect(viaSplit).toEqual(viaCsvParse);
  });

  it('refuses a record of a lone CR in an LF file as ragged (csv-parse counts the CR as a line too)', async () => {
    const [viaCsvParse, viaSplit] = await parseBoth('a,b\n1,2\n\r\n', ['a', 'b'], '\n');
    expect(viaSplit).toEqual({
      error: 'Ragged CSV row at line 3: it has 1 field but the header has 2 columns',
    });
    expect(viaCsvParse).toEqual({
      error: 'Ragged CSV row at line 4: it has 1 field but the header has 2 columns',
    });
  });

  it('on 200 random quote-free files', async () => {
    let seed = 3;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const values = ['', '0', '-1.5', '42', 'abc', 'true', 'FALSE', ' x ', 'é', '1e5', '\t'];
    for (let file = 0; file < 200; file++) {
      const columns = 1 + Math.floor(random() * 4);
      const delimiter: RecordDelimiter = random() < 0.5 ? '\n' : '\r\n';
      const header = Array.from({ length: columns }, (_, i) => `c${i}`);
      const lines = [header.join(',')];
      const rows = Math.floor(random() * 40);
      for (let r = 0; r < rows; r++) {
        if (random() < 0.05) lines.push('');
        else
          lines.push(
            Array.from({ length: columns }, () => values[Math.floor(random() * values.length)]).join(','),
          );
      }
      const text = lines.join(delimiter) + (random() < 0.7 ? delimiter : '');
      const [viaCsvParse, viaSplit] = await parseBoth(text, header, delimiter);
      expect(viaSplit, JSON.stringify(text)).toEqual(viaCsvParse);
    }
  });
});
