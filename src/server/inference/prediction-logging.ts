import type { ModelServer } from '../../serving/model-server.js';
import type { NamedTensor } from '../../serving/named-tensor.js';
import type { PredictionLog } from '../../serving/prediction-log/prediction-log.js';
import type { ServedModel } from '../../serving/served-model.js';

/** Hands an answered request's predictions to the log (a no-op without one). */
export function logPredictions(
  log: PredictionLog | null,
  server: ModelServer,
  model: ServedModel,
  entry: { id: string; latencyMs: number; inputs: readonly NamedTensor[]; outputs: readonly NamedTensor[] },
): void {
  if (log === null) return;
  log.record(server.source(model), { ...entry, time: Date.now() });
}
