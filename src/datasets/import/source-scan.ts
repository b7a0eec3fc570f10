import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { sourceChangedError } from './source-changed.js';
import { BoundaryFinder, type Boundary, type RecordDelimiter } from './record-boundaries.js';
import { READ_BYTES } from './range-task.js';

export interface ScannedSource {
  /** A local file with the source's bytes: the given path, or a spooled copy of a stream. */
  readonly path: string;
  readonly size: number;
  /** sha256 of the bytes, hex. */
  readonly digest: string;
  /** Where ranges may start (see BoundaryFinder), the first at 0; empty when not asked for. */
  readonly boundaries: readonly Boundary[];
  /** CSV: how records end, and where the header ends (null when the file has a single line). */
  readonly delimiter: RecordDelimiter | null;
  readonly headerEnd: number | null;
  /** CSV: quote characters in the whole file. */
  readonly quotes: number;
  /** For a path: its modification time, to notice a file that changes during the import. */
  readonly mtimeMs: number | null;
}

export interface ScanOptions {
  /** CSV (quoted fields, a header) or JSONL boundaries; none for Parquet. */
  readonly split: 'csv' | 'jsonl' | null;
  readonly rangeBytes: number;
  /** Where a stream is spooled. */
  readonly spoolDirectory: string;
  readonly onProgress?: ((bytes: number, total: number | null) => void) | undefined;
}

/**
 * One pass over the source: its sha256 (the dataset's content digest, known before anything is
 * stored), where it can be cut for parallel parsing, and for a stream a spooled local copy, so that
 * it can be read again (twice when a column's type is only settled at its end).
 */
export async function scanSource(source: string | Readable, options: ScanOptions): Promise<ScannedSource> {
  const hash = createHash('sha256');
  const finder = options.split ? new BoundaryFinder(options.rangeBytes, options.split === 'csv') : null;
  let bytes = 0;
  let total: number | null = null;
  let mtimeMs: number | null = null;
  let input: Readable;
  let file: string;
  let output: Writable;
  if (typeof source === 'string') {
    const stat = await statSourceFile(source);
    total = stat.size;
    mtimeMs = stat.mtimeMs;
    file = source;
    input = fs.createReadStream(source, { highWaterMark: READ_BYTES });
    output = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  } else {
    input = source;
    file = path.join(options.spoolDirectory, 'source');
    output = fs.createWriteStream(file, { flags: 'wx' });
  }
  const scan = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      finder?.update(chunk);
      bytes += chunk.length;
      options.onProgress?.(bytes, total);
      callback(null, chunk);
    },
  });
  await pipeline(input, scan, output);
  return {
    path: file,
    size: bytes,
    digest: hash.digest('hex'),
    boundaries: finder?.boundaries ?? [],
    delimiter: finder?.delimiter ?? null,
    headerEnd: finder?.headerEnd ?? null,
    quotes: finder?.quotes ?? 0,
    mtimeMs,
  };
}

async function statSourceFile(file: string): Promise<fs.Stats> {
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidParameterError(`Dataset file '${file}' does not exist`);
    if (code === 'EACCES')
      throw new InvalidParameterError(`Dataset file '${file}' cannot be read (permission denied)`);
    throw error;
  }
  if (!stat.isFile()) throw new InvalidParameterError(`Dataset source '${file}' is not a file`);
  return stat;
}

/** Refuses to go on if the file at `file` is no longer the one scanned. */
export async function assertUnchanged(source: ScannedSource): Promise<void> {
  if (source.mtimeMs === null) return;
  const stat = await fsp.stat(source.path);
  if (stat.size !== source.size || stat.mtimeMs !== source.mtimeMs) {
    throw sourceChangedError(`'${source.path}' was modified`);
  }
}
