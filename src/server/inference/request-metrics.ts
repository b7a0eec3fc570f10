import type { FastifyInstance } from 'fastify';
import type { ModelServer } from '../../serving/model-server.js';
import type { InferenceProtocol, ServingMetrics } from '../../serving/serving-metrics.js';

/**
 * Counts and times the plugin's inference requests (its POSTs) once answered, by the served model
 * they named; a name that is not served counts as '(unknown)', so clients cannot grow the label set.
 */
export function countInferences(
  app: FastifyInstance,
  server: ModelServer,
  metrics: ServingMetrics | null,
  protocol: InferenceProtocol,
): void {
  if (metrics === null) return;
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'POST') return;
    const named = (request.params as { name?: string } | undefined)?.name;
    const model = named !== undefined ? server.find(named) : server.sole();
    metrics.requestAnswered(
      { model: model?.name ?? '(unknown)', version: model?.version ?? '', protocol },
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
}
