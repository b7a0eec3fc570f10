import type { ModelServer, Routed } from '../../serving/model-server.js';
import type { NamedTensor } from '../../serving/named-tensor.js';
import type { PredictionRecorder } from '../../serving/prediction-log/prediction-recorder.js';

/**
 * After a request is answered: its predictions to the log (when there is one), and its inputs to
 * the deployment's shadow (when it has one). Neither is on the response path.
 */
export function afterAnswer(
  log: PredictionRecorder | null,
  server: ModelServer,
  routed: Routed,
  entry: {
    id: string;
    latencyMs: number;
    rows: number;
    inputs: readonly NamedTensor[];
    outputs: readonly NamedTensor[];
  },
): void {
  routed.deployment.mirror(routed.model, entry.inputs, entry.rows, entry.outputs);
  if (log === null) return;
  log.record(server.source(routed), {
    id: entry.id,
    latencyMs: entry.latencyMs,
    inputs: entry.inputs,
    outputs: entry.outputs,
    time: Date.now(),
  });
}
