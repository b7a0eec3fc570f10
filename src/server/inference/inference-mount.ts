import { createServer, type Server } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerFactory } from 'fastify';
import type { ModelServer } from '../../serving/model-server.js';
import type { PredictionRecorder } from '../../serving/prediction-log/prediction-recorder.js';
import type { ServingMetrics } from '../../serving/serving-metrics.js';
import { inferenceFront } from './inference-front.js';
import { kserveV2Routes } from './kserve-v2-routes.js';
import { mlflowScoringRoutes } from './mlflow-scoring-routes.js';

export interface InferenceMountOptions {
  readonly server: ModelServer;
  readonly metrics: ServingMetrics;
  /** Where answered predictions go; null logs nothing. */
  readonly log: PredictionRecorder | null;
  readonly logger: FastifyBaseLogger;
  readonly bodyLimitBytes: number;
}

/**
 * Inference on a Fastify app, `assay serve`'s or `assay server`'s: `serverFactory` (a Fastify
 * option) puts the inference front (inference-front.ts) ahead of Fastify on the same port, and
 * `register` adds the rest of the protocols (metadata, probes) and `/metrics` as Fastify routes.
 */
export function mountInference(options: InferenceMountOptions): {
  serverFactory: FastifyServerFactory<Server>;
  register(app: FastifyInstance): Promise<void>;
} {
  let closing = false;
  const front = inferenceFront({ ...options, closing: () => closing });
  return {
    serverFactory: (fastify, options) => {
      const server = createServer((request, response) => {
        if (!front(request, response)) fastify(request, response);
      });
      // The timeouts Fastify sets on a server it creates itself (its lib/server.js) and leaves to a
      // factory, from the app's options.
      server.keepAliveTimeout = Number(options.keepAliveTimeout);
      server.requestTimeout = Number(options.requestTimeout);
      server.setTimeout(Number(options.connectionTimeout));
      return server;
    },
    async register(app) {
      app.addHook('preClose', async () => {
        closing = true;
      });
      await app.register(kserveV2Routes, { server: options.server });
      await app.register(mlflowScoringRoutes, { server: options.server });
      app.get('/metrics', async (_request, reply) => {
        const { contentType, text } = await options.metrics.exposition();
        return reply.type(contentType).send(text);
      });
    },
  };
}
