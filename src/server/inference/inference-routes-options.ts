import type { ModelServer } from '../../serving/model-server.js';
import type { ServingMetrics } from '../../serving/serving-metrics.js';

export interface InferenceRoutesOptions {
  readonly server: ModelServer;
  /** Where requests are counted and timed; null counts nothing. */
  readonly metrics: ServingMetrics | null;
}
