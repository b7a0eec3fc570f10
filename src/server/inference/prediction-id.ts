import { timeOrderedId } from '../../serving/prediction-log/time-ordered-id.js';
import type { InferenceExchange } from './inference-exchange.js';

/** The header every inference response carries, and a client may send to name its prediction. */
export const PREDICTION_ID_HEADER = 'x-assay-prediction-id';

/**
 * The prediction's id: the one the client gave (in the body, for KServe v2, else in the header),
 * or a new one. Set on the response headers at once, so that errors carry it too. New ids are
 * time-ordered (UUIDv7): the log's id index then grows at its end, where random ids cost it 3-4x
 * more per flush on SQLite as it grows.
 */
export function predictionId(exchange: InferenceExchange, fromBody: string | null = null): string {
  const sent = exchange.headers[PREDICTION_ID_HEADER];
  const id = fromBody ?? (typeof sent === 'string' && sent !== '' ? sent : timeOrderedId());
  exchange.responseHeaders[PREDICTION_ID_HEADER] = id;
  return id;
}
