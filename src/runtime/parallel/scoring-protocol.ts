import type { Column } from '../../datasets/dataset-table.js';
import type { ModelSpec, Predictions } from '../model-spec.js';

/** What a scoring worker starts with. */
export interface ScoringWorkerData {
  readonly model: Uint8Array;
  readonly spec: ModelSpec;
  /** Rows per onnxruntime call. */
  readonly chunkRows: number;
  /** Tensor mode: the columns feeding the model's input, in order; null in columns mode. */
  readonly featureColumns: readonly string[] | null;
}

/**
 * Rows of a batch for a lane to score: the columns the model reads, as views of the batch's own
 * memory. Each lane turns them into the model's inputs itself. Columns in shared memory reach a
 * worker thread as they are; any other memory is copied on the way.
 */
export interface ScoreRequest {
  readonly id: number;
  readonly rows: number;
  /** TableBatch.offset and rowNumbers of the rows: errors name the row in the dataset. */
  readonly offset: number;
  readonly rowNumbers?: Float64Array | undefined;
  readonly columns: readonly Column[];
}

/** A failure to score a request, as it crosses from a worker thread. */
export interface ScoringFailure {
  readonly message: string;
  /** When the rows could not feed the model (a ModelInputError): where. */
  readonly input: { readonly column: string; readonly row: number | null } | null;
}

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'scored'; readonly id: number; readonly predictions: Predictions }
  | ({ readonly kind: 'error'; readonly id: number } & ScoringFailure);
