/** How the prediction log buffers, samples and flushes (apart from the log, which loads Arrow). */
export interface PredictionLogOptions {
  /** Share of requests logged, 0 to 1. */
  readonly sampleRate: number;
  /** Predictions (rows) held before a flush at most; past it, records are dropped and counted. */
  readonly maxBufferedRows: number;
  /** A flush starts when this many rows wait, or `flushIntervalMs` after the oldest arrived. */
  readonly flushRows: number;
  readonly flushIntervalMs: number;
}

export const DEFAULT_PREDICTION_LOG: PredictionLogOptions = {
  sampleRate: 1,
  maxBufferedRows: 200_000,
  flushRows: 8192,
  flushIntervalMs: 1000,
};
