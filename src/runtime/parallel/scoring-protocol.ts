import type { Column } from '../../datasets/dataset-table.js';
import type { ModelSpec, Predictions } from '../model-spec.js';

/** The model a scoring thread loads for one runner, and how that runner uses it. */
export interface ScoringModel {
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

/**
 * What a scoring thread is told, in order: load a runner's model, score its requests, unload it
 * when the runner closes. The thread then waits for the next runner's model.
 */
export type ThreadMessage =
  | { readonly kind: 'load'; readonly model: ScoringModel }
  | { readonly kind: 'score'; readonly request: ScoreRequest }
  | { readonly kind: 'unload' }
  /** Let the session go and exit (see stopWorker). */
  | { readonly kind: 'stop' };

/** What a scoring thread answers: to `load` ready or failed, to each `score` scored or error. */
export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'scored'; readonly id: number; readonly predictions: Predictions }
  | ({ readonly kind: 'error'; readonly id: number } & ScoringFailure);
