import fs from 'node:fs';
import path from 'node:path';
import type { BenchServer } from '../lib/server.js';
import type { BenchModel } from './bench-models.js';
import { load } from './children.js';
import type { LoadResult } from './load-spec.js';
import type { ServeProcess } from './serve-process.js';
import { binaryInferRequest, jsonInferRequest, type EncodedRequest } from './v2-wire.js';

/** A request body built once, kept in a file the load child reads once. */
export interface StoredRequest extends EncodedRequest {
  readonly model: BenchModel;
  readonly rows: readonly number[];
  readonly rowCount: number;
  readonly file: string;
}

export function storeRequest(
  dir: string,
  model: BenchModel,
  rowCount: number,
  format: 'json' | 'binary',
): StoredRequest {
  const rows = model.rows(rowCount);
  const encoded = (format === 'json' ? jsonInferRequest : binaryInferRequest)(
    model.input,
    rows,
    model.rowDims,
  );
  const file = path.join(dir, `${model.name}-${rowCount}.${format === 'json' ? 'json' : 'bin'}`);
  fs.writeFileSync(file, encoded.body);
  return { ...encoded, model, rows, rowCount, file };
}

export interface Timing {
  /** How long each point is measured, and how long the same load runs before it, unmeasured. */
  readonly seconds: number;
  readonly warmupSeconds: number;
}

export interface Point {
  readonly result: LoadResult;
  /** Rows per model call over the point (its warm-up included), from /metrics; null without it. */
  readonly meanBatch: number | null;
}

/** `assay serve`, whose /metrics gives the batch sizes, or a calibration server, which has none. */
export type LoadTarget = BenchServer & Partial<Pick<ServeProcess, 'batchRows'>>;

/** One load point against `server`: `request` on `connections` connections, as fast as answered or at `overallRate`. */
export async function measure(
  server: LoadTarget,
  request: StoredRequest,
  connections: number,
  timing: Timing,
  overallRate?: number,
): Promise<Point> {
  const { model } = request;
  const before = (await server.batchRows?.(model.name)) ?? null;
  const result = await load({
    url: `${server.url}/v2/models/${model.name}/infer`,
    headers: request.headers,
    bodyFile: request.file,
    connections,
    ...(overallRate === undefined ? {} : { overallRate }),
    ...timing,
  });
  const after = (await server.batchRows?.(model.name)) ?? null;
  const calls = before && after ? after.count - before.count : 0;
  const meanBatch = before && after && calls > 0 ? (after.sum - before.sum) / calls : null;
  return { result, meanBatch };
}
