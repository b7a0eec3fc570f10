import path from 'node:path';
import { InvalidParameterError } from '../errors/assay-error.js';
import { SOURCE_FORMATS, type DatasetSource, type SourceFormat } from './dataset-entities.js';

const EXTENSIONS: Readonly<Record<string, SourceFormat>> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The given format, or the one the file's extension names. */
export function sourceFormat(source: DatasetSource, given: unknown): SourceFormat {
  if (given !== undefined && given !== null) return parseSourceFormat(given);
  if (typeof source !== 'string') {
    throw new InvalidParameterError(
      'The dataset format (csv, jsonl or parquet) is required when the source is a stream',
    );
  }
  return formatOfFileName(source);
}

/** A format named by the user. */
export function parseSourceFormat(given: unknown): SourceFormat {
  if (!SOURCE_FORMATS.includes(given as SourceFormat)) {
    throw new InvalidParameterError(`Unknown dataset format '${String(given)}': use csv, jsonl or parquet`);
  }
  return given as SourceFormat;
}

/** The format a file's name (or path) tells by its extension. */
export function formatOfFileName(name: string): SourceFormat {
  const format = EXTENSIONS[path.extname(name).toLowerCase()];
  if (!format) {
    throw new InvalidParameterError(
      `Cannot tell the format of '${path.basename(name)}' from its extension: name it .csv, .jsonl or .parquet, or give the format`,
    );
  }
  return format;
}
