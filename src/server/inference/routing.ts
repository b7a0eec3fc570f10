import type { ModelServer, Routed } from '../../serving/model-server.js';
import type { InferenceExchange } from './inference-exchange.js';

/** The header a client sends to keep its requests on one side of a canary split (sticky routing). */
export const ROUTING_KEY_HEADER = 'x-assay-routing-key';

/**
 * Routes a request to the model version that answers it (the version it names, the canary for its
 * share, else the main version) and records the choice on the exchange, for the metrics and the
 * canary's halt rules, which read it once the request is answered.
 */
export function routeRequest(
  server: ModelServer,
  exchange: InferenceExchange,
  name: string,
  version?: string,
): Routed {
  const key = exchange.headers[ROUTING_KEY_HEADER];
  const routed = server.route(name, version, typeof key === 'string' && key !== '' ? key : null);
  exchange.routed = routed;
  return routed;
}
