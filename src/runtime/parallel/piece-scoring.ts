import type { InferenceSession } from 'onnxruntime-node';
import type { TableBatch } from '../../datasets/dataset-table.js';
import { InvalidStateError } from '../../errors/assay-error.js';
import type { InputFeeder } from '../input-feeder.js';
import { ModelInputError } from '../model-input-error.js';
import type { ModelSpec, Predictions } from '../model-spec.js';
import { scoreInChunks } from '../prediction-collector.js';
import type { ScoreRequest } from './scoring-protocol.js';

/**
 * A request for the rows of `piece`, with the columns named `columns` (which the caller made sure
 * the piece has: InputFeeder.bind says which it lacks).
 */
export function pieceRequest(id: number, piece: TableBatch, columns: ReadonlySet<string>): ScoreRequest {
  const used = [...columns].map((name) => piece.columns.get(name)).filter((column) => column !== undefined);
  return { id, rows: piece.length, offset: piece.offset, rowNumbers: piece.rowNumbers, columns: used };
}

/** The request's rows as a batch again, on the lane's side. */
function requestBatch(request: ScoreRequest): TableBatch {
  return {
    length: request.rows,
    offset: request.offset,
    ...(request.rowNumbers ? { rowNumbers: request.rowNumbers } : {}),
    columns: new Map(request.columns.map((column) => [column.name, column])),
  };
}

/**
 * Scores a request in a lane: its rows become the model's inputs in the feeder's memory, chunk by
 * chunk. The feeder's memory is reused, so a lane scores one request at a time. Rows that cannot
 * feed the model fail with their ModelInputError; anything else as onnxruntime's failure.
 */
export async function scorePiece(
  session: InferenceSession,
  spec: ModelSpec,
  feeder: InputFeeder,
  chunkRows: number,
  request: ScoreRequest,
): Promise<Predictions> {
  try {
    const bound = feeder.bind(requestBatch(request));
    return await scoreInChunks(session, spec, request.rows, chunkRows, (start, count) =>
      bound.feeds(start, count, count),
    );
  } catch (error) {
    if (error instanceof ModelInputError) throw error;
    throw new InvalidStateError(
      `onnxruntime failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
