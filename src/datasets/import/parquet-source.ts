import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetScan,
  parquetSchema,
  type AsyncBuffer,
  type DecodedArray,
  type FileMetaData,
  type SchemaElement,
} from 'hyparquet';
import { InvalidParameterError } from '../../errors/assay-error.js';
import type { ColumnType } from '../dataset-table.js';
import { BoolBuilder, Float64Builder, StringBuilder } from './column-builders.js';
import type { EncodedBatch, EncodedColumn } from './encoded-batch.js';
import type { TableSource } from './table-source.js';

/**
 * A Parquet file read with hyparquet, one row group (scan range) at a time, each column decoded
 * whole for the range and cut into batches. Parquet says each column's type: numbers (ints,
 * floats, decimals) are float64, booleans bool, everything else (text, dates and times as ISO-8601)
 * string. Memory is bounded by the largest row group. Nested columns (lists, structs, maps) are
 * refused: a dataset is a flat table.
 */
export async function parquetSource(
  file: string,
  size: number,
  sourceName: string,
  batchRows: number,
): Promise<TableSource> {
  const buffer = await asyncBufferFromFile(file);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw new InvalidParameterError(
      `Dataset source ${sourceName} is not a readable Parquet file: ${(error as Error).message}`,
    );
  }
  const columns = parquetSchema(metadata).children.map((child) => {
    if (child.children.length > 0) {
      throw new InvalidParameterError(
        `Parquet column '${child.element.name}' of ${sourceName} is nested (a list, struct or map); datasets hold flat columns only`,
      );
    }
    return { name: child.element.name, type: columnType(child.element) };
  });
  const names = columns.map((column) => column.name);
  const totalRows = Number(metadata.num_rows);
  return {
    columns: names,
    size,
    read: () => readBatches(buffer, metadata, columns, batchRows, totalRows, size, sourceName),
  };
}

async function* readBatches(
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  columns: readonly { name: string; type: ColumnType }[],
  batchRows: number,
  totalRows: number,
  size: number,
  sourceName: string,
): AsyncGenerator<EncodedBatch> {
  const scan = await parquetScan({ file: buffer, metadata });
  const names = columns.map((column) => column.name);
  for (const range of scan.ranges) {
    const data: DecodedArray[] = [];
    for (const column of columns) {
      try {
        data.push(
          await scan.readColumn({ column: column.name, rowStart: range.rowStart, rowEnd: range.rowEnd }),
        );
      } catch (error) {
        throw new InvalidParameterError(
          `Parquet column '${column.name}' of ${sourceName} cannot be read (rows ${range.rowStart}-${range.rowEnd - 1}): ${(error as Error).message}`,
        );
      }
    }
    for (let from = 0; from < range.rowEnd - range.rowStart; from += batchRows) {
      const rows = Math.min(batchRows, range.rowEnd - range.rowStart - from);
      yield {
        rows,
        names,
        columns: columns.map((column, i) => encode(column.type, data[i] as DecodedArray, from, rows)),
        sourceBytes: totalRows === 0 ? size : Math.round((size * (range.rowStart + from + rows)) / totalRows),
      };
    }
  }
}

function columnType(element: SchemaElement): ColumnType {
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (element.type === 'BOOLEAN') return 'bool';
  if (logical === 'DECIMAL' || converted === 'DECIMAL' || logical === 'FLOAT16') return 'float64';
  if (
    element.type === 'INT32' ||
    element.type === 'INT64' ||
    element.type === 'FLOAT' ||
    element.type === 'DOUBLE'
  ) {
    const temporal =
      logical === 'DATE' ||
      logical === 'TIME' ||
      logical === 'TIMESTAMP' ||
      logical === 'INTERVAL' ||
      (converted !== undefined && /^(DATE|TIME|TIMESTAMP|INTERVAL)/.test(converted));
    return temporal ? 'string' : 'float64';
  }
  return 'string';
}

function encode(type: ColumnType, data: DecodedArray, from: number, rows: number): EncodedColumn {
  if (type === 'float64') {
    const builder = new Float64Builder(rows);
    for (let i = from; i < from + rows; i++) {
      const value: unknown = data[i];
      builder.append(value === null || value === undefined ? NaN : Number(value));
    }
    return builder.finish();
  }
  if (type === 'bool') {
    const builder = new BoolBuilder(rows);
    for (let i = from; i < from + rows; i++) {
      const value: unknown = data[i];
      builder.append(value === null || value === undefined ? null : Boolean(value));
    }
    return builder.finish();
  }
  const builder = new StringBuilder(rows);
  for (let i = from; i < from + rows; i++) builder.append(text(data[i]));
  return builder.finish();
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
