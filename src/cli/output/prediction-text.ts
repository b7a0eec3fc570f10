import type { LoggedPrediction } from '../../serving/prediction-log/prediction-log.js';
import { num, table } from './table.js';

/** Logged predictions as a table: id, time, version, latency, outputs, label. Inputs stay in --json. */
export function predictionsText(predictions: readonly LoggedPrediction[]): string {
  if (predictions.length === 0) return 'No predictions logged (yet) for this deployment and window.';
  const outputs = [...new Set(predictions.flatMap((prediction) => Object.keys(prediction.outputs)))];
  return table(
    ['id', 'time', 'version', 'latency ms', ...outputs, 'label (joined)'],
    predictions.map((prediction) => [
      prediction.id,
      new Date(prediction.time).toISOString(),
      prediction.version,
      num(prediction.latency_ms),
      ...outputs.map((name) => num(prediction.outputs[name])),
      prediction.label === null ? null : JSON.stringify(prediction.label),
    ]),
  );
}
