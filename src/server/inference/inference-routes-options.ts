import type { ModelServer } from '../../serving/model-server.js';
import type { PredictionLog } from '../../serving/prediction-log/prediction-log.js';
import type { ServingMetrics } from '../../serving/serving-metrics.js';

export interface InferenceRoutesOptions {
  readonly server: ModelServer;
  /** Where requests are counted and timed; null counts nothing. */
  readonly metrics: ServingMetrics | null;
  /** Where answered predictions go; null logs nothing. */
  readonly log: PredictionLog | null;
}
