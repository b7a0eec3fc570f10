import { describe, expect, it } from 'vitest';
import { BoundaryFinder } from '../../src/datasets/import/record-boundaries.js';

/** Feeds `text` in chunks of `size` bytes. */
function find(text: string, csv: boolean, rangeBytes: number, size: number): BoundaryFinder {
  const finder = new BoundaryFinder(rangeBytes, csv);
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) finder.update(bytes.subarray(at, at + size));
  return finder;
}

/** The boundaries whatever the chunking: every chunk size from 1 byte to the whole text. */
function boundaries(text: string, csv: boolean, rangeBytes: number): [number, number][] {
  const results = new Set<string>();
  for (let size = 1; size <= text.length; size++) {
    results.add(JSON.stringify(find(text, csv, rangeBytes, size).boundaries.map((b) => [b.offset, b.line])));
  }
  expect(results.size).toBe(1);
  return JSON.parse([...results][0] ?? '[]') as [number, number][];
}

describe('BoundaryFinder', () => {
  it('cuts a CSV at the first line end past each range size, counting lines', () => {
    const text = 'h1,h2\n1,2\n3,4\n5,6\n7,8\n';
    expect(boundaries(text, true, 8)).toEqual([
      [0, 1],
      [10, 3],
      [18, 5],
    ]);
    expect(boundaries(text, true, 1000)).toEqual([[0, 1]]);
  });

  it('never cuts inside a quoted field, doubled quotes included', () => {
    const text = 'a,b\n1,"x\ny ""q""\nz"\n2,3\n"4\n",5\n';
    // Records start at offsets 0, 4, 20, 24 (and the file ends at 31); the line feeds at 8, 16 and
    // 26 are inside quotes. The header's end is found apart, and is never a cut.
    expect(boundaries(text, true, 1)).toEqual([
      [0, 1],
      [20, 5],
      [24, 6],
      [31, 8],
    ]);
    const finder = find(text, true, 1, 3);
    expect([finder.delimiter, finder.headerEnd]).toEqual(['\n', 4]);
  });

  it('follows a CRLF file: a lone line feed is text there', () => {
    const text = 'a,b\r\n1,x\ny\r\n2,3\r\n';
    expect(boundaries(text, true, 1)).toEqual([
      [0, 1],
      [12, 4],
      [17, 5],
    ]);
    const finder = find(text, true, 1, 2);
    expect([finder.delimiter, finder.headerEnd]).toEqual(['\r\n', 5]);
  });

  it('does not cut a file whose records end with a lone carriage return', () => {
    const text = 'a,b\r1,2\r3,4\n5,6\r';
    expect(boundaries(text, true, 1)).toEqual([[0, 1]]);
    expect(find(text, true, 1, 1).delimiter).toBe('\r');
    expect(find(text, true, 1, 1).headerEnd).toBe(4);
  });

  it('finds the header end behind a quoted line break, and none in a one-line file', () => {
    const finder = find('"a\nb",c\n1,2\n', true, 1000, 4);
    expect([finder.delimiter, finder.headerEnd]).toEqual(['\n', 8]);
    const single = find('a,b,c', true, 1000, 2);
    expect([single.delimiter, single.headerEnd, single.boundaries]).toEqual([
      null,
      null,
      [{ offset: 0, line: 1, quotes: 0 }],
    ]);
  });

  it('cuts JSONL at any line feed, quotes being JSON text', () => {
    const lines = ['{"a":"x\\"y"}', '{"a":"\\""}', '{"a":1}'];
    const text = lines.map((line) => `${line}\n`).join('');
    const starts = lines.map((_, i) => lines.slice(0, i).reduce((sum, line) => sum + line.length + 1, 0));
    expect(boundaries(text, false, 1)).toEqual([
      ...starts.map((start, i) => [start, i + 1]),
      [text.length, 4],
    ]);
  });
});
