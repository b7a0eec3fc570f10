import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { RequiredString, RunIdFields } from './schemas.js';
import { requireRunId } from './request-values.js';
import { doubleJson } from './tracking-json.js';

/** Metric histories: paged per run, and sampled across runs for charts. */
export const metricRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const { metricHistory } = context;

  app.get(
    '/metrics/get-history',
    {
      schema: {
        querystring: Type.Object({
          ...RunIdFields,
          metric_key: RequiredString,
          max_results: Type.Optional(Type.Integer()),
          page_token: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const { metric_key, max_results, page_token } = request.query;
      const page = await metricHistory.getHistoryPage(
        requireRunId(request.query),
        metric_key,
        max_results,
        page_token,
      );
      const parts: string[] = [];
      if (page.count > 0) parts.push(`"metrics":${page.metricsJson}`);
      if (page.nextPageToken) parts.push(`"next_page_token":${JSON.stringify(page.nextPageToken)}`);
      return reply.type('application/json; charset=utf-8').send(`{${parts.join(',')}}`);
    },
  );

  app.get(
    '/metrics/get-history-bulk-interval',
    {
      schema: {
        querystring: Type.Object({
          run_ids: Type.Optional(Type.Array(Type.String())),
          metric_key: RequiredString,
          start_step: Type.Optional(Type.Integer()),
          end_step: Type.Optional(Type.Integer()),
          max_results: Type.Optional(Type.Integer()),
        }),
      },
    },
    async (request) => {
      const { run_ids, metric_key, start_step, end_step, max_results } = request.query;
      const metrics = await metricHistory.getBulkInterval({
        runIds: run_ids ?? [],
        metricKey: metric_key,
        startStep: start_step,
        endStep: end_step,
        maxResults: max_results,
      });
      const json: Record<string, unknown> = {};
      if (metrics.length > 0) {
        json.metrics = metrics.map((metric) => ({
          key: metric.key,
          value: doubleJson(metric.value),
          timestamp: metric.timestamp,
          step: metric.step,
          run_id: metric.runId,
        }));
      }
      return json;
    },
  );
};
