/** How the prediction log buffers, samples and flushes (apart from the log, which loads Arrow). */
export interface PredictionLogOptions {
  /** Share of requests logged, 0 to 1 (a source's own `sampleRate` overrides it). */
  readonly sampleRate: number;
  /** Predictions (rows) held before a flush at most; past it, records are dropped and counted. */
  readonly maxBufferedRows: number;
  /**
   * Bytes of inputs and outputs held at most, in flight included (a batch being written or sent
   * still counts); past it, records are dropped and counted. Rows alone do not bound memory: one
   * row of a 224x224 image is 600 KB.
   */
  readonly maxBufferedBytes: number;
  /** A flush starts when this many rows wait, or `flushIntervalMs` after the oldest arrived. */
  readonly flushRows: number;
  readonly flushIntervalMs: number;
  /**
   * A batch is closed, and its flush started, once its Arrow file would be about this large: it
   * bounds what one flush holds twice (columns and file) and what one upload to a server carries.
   */
  readonly maxBatchBytes: number;
}

export const DEFAULT_PREDICTION_LOG: PredictionLogOptions = {
  sampleRate: 1,
  maxBufferedRows: 200_000,
  maxBufferedBytes: 256 * 1024 * 1024,
  flushRows: 8192,
  flushIntervalMs: 1000,
  maxBatchBytes: 32 * 1024 * 1024,
};
