import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { DoubleValue, Int64, KeyValueList, RequiredString, RunIdFields } from './schemas.js';
import { keyValues, parseDouble, parseRunStatus, parseViewType, requireRunId } from './request-values.js';
import { runInfoJson, runJson } from './tracking-json.js';

const MetricSchema = Type.Object({
  key: RequiredString,
  value: DoubleValue,
  timestamp: Int64,
  step: Type.Optional(Int64),
});

const DatasetInputSchema = Type.Object({
  tags: Type.Optional(KeyValueList),
  dataset: Type.Object({
    name: Type.String(),
    digest: Type.String(),
    source_type: Type.String(),
    source: Type.String(),
    schema: Type.Optional(Type.String()),
    profile: Type.Optional(Type.String()),
  }),
});

/** Runs endpoints: lifecycle, logging and search. */
export const runRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (app, { context }) => {
  const { runs } = context;

  app.post(
    '/runs/create',
    {
      schema: {
        body: Type.Object({
          experiment_id: Type.Optional(Type.String()),
          user_id: Type.Optional(Type.String()),
          run_name: Type.Optional(Type.String()),
          start_time: Type.Optional(Int64),
          tags: Type.Optional(KeyValueList),
        }),
      },
    },
    async (request) => {
      const { experiment_id, user_id, run_name, start_time, tags } = request.body;
      const run = await runs.create({
        experimentId: experiment_id,
        userId: user_id,
        runName: run_name,
        startTime: start_time,
        tags: keyValues(tags),
      });
      return { run: runJson(run, false) };
    },
  );

  app.get('/runs/get', { schema: { querystring: Type.Object(RunIdFields) } }, async (request) => ({
    run: runJson(await runs.get(requireRunId(request.query))),
  }));

  app.post(
    '/runs/update',
    {
      schema: {
        body: Type.Object({
          ...RunIdFields,
          status: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
          end_time: Type.Optional(Int64),
          run_name: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { status, end_time, run_name } = request.body;
      const info = await runs.update(requireRunId(request.body), {
        status: parseRunStatus('status', status),
        endTime: end_time,
        runName: run_name,
      });
      return { run_info: runInfoJson(info) };
    },
  );

  app.post('/runs/delete', { schema: { body: Type.Object({ run_id: RequiredString }) } }, async (request) => {
    await runs.delete(request.body.run_id);
    return {};
  });

  app.post(
    '/runs/restore',
    { schema: { body: Type.Object({ run_id: RequiredString }) } },
    async (request) => {
      await runs.restore(request.body.run_id);
      return {};
    },
  );

  app.post(
    '/runs/log-metric',
    {
      schema: {
        body: Type.Object({
          ...RunIdFields,
          key: RequiredString,
          value: DoubleValue,
          timestamp: Int64,
          step: Type.Optional(Int64),
        }),
      },
    },
    async (request) => {
      const { key, value, timestamp, step } = request.body;
      await runs.logMetric(requireRunId(request.body), {
        key,
        value: parseDouble('value', value),
        timestamp,
        step: step ?? 0,
      });
      return {};
    },
  );

  app.post(
    '/runs/log-parameter',
    {
      schema: {
        body: Type.Object({ ...RunIdFields, key: RequiredString, value: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      await runs.logParam(requireRunId(request.body), {
        key: request.body.key,
        value: request.body.value ?? '',
      });
      return {};
    },
  );

  app.post(
    '/runs/set-tag',
    {
      schema: {
        body: Type.Object({ ...RunIdFields, key: RequiredString, value: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      await runs.setTag(requireRunId(request.body), {
        key: request.body.key,
        value: request.body.value ?? '',
      });
      return {};
    },
  );

  app.post(
    '/runs/delete-tag',
    { schema: { body: Type.Object({ run_id: RequiredString, key: RequiredString }) } },
    async (request) => {
      await runs.deleteTag(request.body.run_id, request.body.key);
      return {};
    },
  );

  app.post(
    '/runs/log-batch',
    {
      schema: {
        body: Type.Object({
          run_id: RequiredString,
          metrics: Type.Optional(Type.Array(MetricSchema)),
          params: Type.Optional(KeyValueList),
          tags: Type.Optional(KeyValueList),
        }),
      },
    },
    async (request) => {
      const { run_id, metrics, params, tags } = request.body;
      await runs.logBatch(run_id, {
        metrics: (metrics ?? []).map((metric, index) => ({
          key: metric.key,
          value: parseDouble(`metrics[${index}].value`, metric.value),
          timestamp: metric.timestamp,
          step: metric.step ?? 0,
        })),
        params: keyValues(params),
        tags: keyValues(tags),
      });
      return {};
    },
  );

  app.post(
    '/runs/log-inputs',
    { schema: { body: Type.Object({ run_id: RequiredString, datasets: Type.Array(DatasetInputSchema) }) } },
    async (request) => {
      await runs.logInputs(
        request.body.run_id,
        request.body.datasets.map((input) => ({
          tags: keyValues(input.tags),
          dataset: {
            name: input.dataset.name,
            digest: input.dataset.digest,
            sourceType: input.dataset.source_type,
            source: input.dataset.source,
            schema: input.dataset.schema ?? null,
            profile: input.dataset.profile ?? null,
          },
        })),
      );
      return {};
    },
  );

  app.post(
    '/runs/log-model',
    { schema: { body: Type.Object({ run_id: RequiredString, model_json: RequiredString }) } },
    async (request) => {
      await runs.logModel(request.body.run_id, request.body.model_json);
      return {};
    },
  );

  app.post(
    '/runs/search',
    {
      schema: {
        body: Type.Object({
          experiment_ids: Type.Optional(Type.Array(Type.String())),
          filter: Type.Optional(Type.String()),
          run_view_type: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
          max_results: Type.Optional(Type.Integer()),
          order_by: Type.Optional(Type.Array(Type.String())),
          page_token: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const body = request.body;
      const page = await runs.search({
        experimentIds: body.experiment_ids ?? [],
        filter: body.filter,
        orderBy: body.order_by,
        maxResults: body.max_results,
        pageToken: body.page_token,
        viewType: parseViewType('run_view_type', body.run_view_type),
      });
      const json: Record<string, unknown> = {};
      if (page.items.length > 0) json.runs = page.items.map((run) => runJson(run));
      if (page.nextPageToken) json.next_page_token = page.nextPageToken;
      return json;
    },
  );
};
