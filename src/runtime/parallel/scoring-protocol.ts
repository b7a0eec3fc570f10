import type { ModelSpec, Predictions } from '../model-spec.js';

/** What a scoring worker starts with. */
export interface ScoringWorkerData {
  readonly model: Uint8Array;
  readonly spec: ModelSpec;
  /** Rows per onnxruntime call. */
  readonly chunkRows: number;
}

/** One model input for every row of a batch: row-major, `dims[0]` rows. */
export interface InputData {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | string[];
}

export interface ScoreRequest {
  readonly id: number;
  readonly rows: number;
  readonly inputs: readonly InputData[];
}

export type WorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'scored';
      readonly id: number;
      readonly predictions: Predictions;
      /** The request's input buffers, handed back for the next batch. */
      readonly returned: ArrayBuffer[];
    }
  | {
      readonly kind: 'error';
      readonly id: number;
      readonly message: string;
      readonly returned: ArrayBuffer[];
    };

/** The inputs' buffers, transferred with a request and back with its answer (text is copied). */
export function inputBuffers(inputs: readonly InputData[]): ArrayBuffer[] {
  return inputs.flatMap((input) => (Array.isArray(input.data) ? [] : [input.data.buffer as ArrayBuffer]));
}
