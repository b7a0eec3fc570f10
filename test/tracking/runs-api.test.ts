import { expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore(
  'runs API',
  (store) => createAppHarness(store),
  (harness) => {
    const mlflow = () => harness().mlflow;
    let experimentId = '';
    const newRun = async (body: Record<string, unknown> = {}) => {
      if (!experimentId)
        experimentId = (await mlflow().post('experiments/create', { name: 'runs' })).body.experiment_id;
      const res = await mlflow().post('runs/create', { experiment_id: experimentId, ...body });
      expect(res.status).toBe(200);
      return res.body.run.info.run_id as string;
    };
    const getRun = async (runId: string) =>
      (await mlflow().get('runs/get', { run_uuid: runId, run_id: runId })).body.run;

    it('creates a run as MLflow does: name, tags, artifact URI, no inputs key', async () => {
      const created = await mlflow().post('runs/create', {
        experiment_id: '0',
        user_id: 'alice',
        start_time: 1795706901332,
        tags: [
          { key: 'mlflow.runName', value: 'smoke-run' },
          { key: 'team', value: 'x' },
        ],
      });
      expect(created.status).toBe(200);
      const { info, data } = created.body.run;
      expect(created.body.run.inputs).toBeUndefined();
      expect(info).toMatchObject({
        experiment_id: '0',
        run_name: 'smoke-run',
        user_id: 'alice',
        status: 'RUNNING',
        start_time: 1795706901332,
        artifact_uri: `mlflow-artifacts:/0/${info.run_id}/artifacts`,
        lifecycle_stage: 'active',
      });
      expect(info.run_uuid).toBe(info.run_id);
      expect(info.run_id).toMatch(/^[0-9a-f]{32}$/);
      expect(info.end_time).toBeUndefined();
      expect(data.tags).toEqual(
        expect.arrayContaining([
          { key: 'mlflow.runName', value: 'smoke-run' },
          { key: 'team', value: 'x' },
        ]),
      );
    });

    it('names unnamed runs adjective-noun-number and refuses conflicting names', async () => {
      const runId = await newRun();
      const run = await getRun(runId);
      expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
      expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: run.info.run_name });
      expect(run.info.user_id).toBe('');
      expect(run.inputs).toEqual({});

      const named = await getRun(await newRun({ run_name: 'given' }));
      expect(named.info.run_name).toBe('given');
      expect(named.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'given' });

      const conflict = await mlflow().post('runs/create', {
        experiment_id: experimentId,
        run_name: 'a',
        tags: [{ key: 'mlflow.runName', value: 'b' }],
      });
      expect(conflict.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').",
      });
      const unknownExperiment = await mlflow().post('runs/create', { experiment_id: '424242' });
      expect(unknownExperiment.status).toBe(404);
    });

    it('answers 404 for unknown runs and requires a run id', async () => {
      const res = await mlflow().get('runs/get', { run_id: 'doesnotexist' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'Run with id=doesnotexist not found',
      });
      const missing = await mlflow().get('runs/get');
      expect(missing.status).toBe(400);
      expect(missing.body.message).toBe(
        "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
      );
    });

    it('updates status, end time and name (name also in the mlflow.runName tag)', async () => {
      const runId = await newRun({ run_name: 'before' });
      const res = await mlflow().post('runs/update', {
        run_uuid: runId,
        run_id: runId,
        status: 'FINISHED',
        end_time: 1234,
        run_name: 'after',
      });
      expect(res.status).toBe(200);
      expect(res.body.run_info).toMatchObject({
        run_id: runId,
        status: 'FINISHED',
        end_time: 1234,
        run_name: 'after',
      });
      const run = await getRun(runId);
      expect(run.info.run_name).toBe('after');
      expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'after' });
      const byNumber = await mlflow().post('runs/update', { run_id: runId, status: 4 });
      expect(byNumber.body.run_info.status).toBe('FAILED');
      const bad = await mlflow().post('runs/update', { run_id: runId, status: 'DONE' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain("parameter 'status'");
    });

    it('deletes and restores runs; deleted runs refuse writes but can be read', async () => {
      const runId = await newRun();
      expect((await mlflow().post('runs/delete', { run_id: runId })).body).toEqual({});
      expect((await getRun(runId)).info.lifecycle_stage).toBe('deleted');
      const write = await mlflow().post('runs/log-parameter', { run_id: runId, key: 'a', value: '1' });
      expect(write.status).toBe(400);
      expect(write.body.message).toBe(
        `The run ${runId} must be in the 'active' state. Current state is deleted.`,
      );
      await mlflow().post('runs/restore', { run_id: runId });
      expect((await getRun(runId)).info.lifecycle_stage).toBe('active');
      expect((await mlflow().post('runs/delete', { run_id: 'nope' })).status).toBe(404);
    });

    it('logs metrics: latest value by step then timestamp, NaN and infinities, duplicates ignored', async () => {
      const runId = await newRun();
      const log = (body: Record<string, unknown>) =>
        mlflow().post('runs/log-metric', { run_id: runId, run_uuid: runId, ...body });
      expect((await log({ key: 'acc', value: 0.5, timestamp: 10, step: 1 })).status).toBe(200);
      await log({ key: 'acc', value: 0.9, timestamp: 5, step: 2 });
      await log({ key: 'acc', value: 0.1, timestamp: 99, step: 0 });
      await log({ key: 'acc', value: 0.9, timestamp: 5, step: 2 });
      await log({ key: 'nanm', value: 'NaN', timestamp: 1 });
      await log({ key: 'inf', value: 'Infinity', timestamp: 1 });
      await log({ key: 'ninf', value: '-Infinity', timestamp: 1 });
      await log({ key: 'numstr', value: '2.5', timestamp: 1 });
      const metrics = (await getRun(runId)).data.metrics;
      expect(metrics).toEqual([
        { key: 'acc', value: 0.9, timestamp: 5, step: 2 },
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'nanm', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
        { key: 'numstr', value: 2.5, timestamp: 1, step: 0 },
      ]);
      const history = await mlflow().get('metrics/get-history', {
        run_id: runId,
        metric_key: 'acc',
        max_results: 25000,
      });
      expect(history.body.metrics).toHaveLength(3);

      const badValue = await log({ key: 'x', value: 'abc', timestamp: 1 });
      expect(badValue.body.message).toBe(
        "Invalid value abc for parameter 'value' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
      );
      const negative = await log({ key: 'x', value: 1, timestamp: -1 });
      expect(negative.body.message).toBe(
        "Got invalid timestamp -1 for metric 'x' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) ",
      );
      const badName = await log({ key: 'a:b', value: 1, timestamp: 1 });
      expect(badName.body.message).toBe(
        "Invalid metric name: 'a:b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).",
      );
      const missing = await mlflow().post('runs/log-metric', { run_id: runId, key: 'x', value: 1 });
      expect(missing.body.message).toBe(
        "Missing value for required parameter 'timestamp'. See the API docs for more information about request parameters.",
      );
    });

    it('logs params idempotently and refuses changes with MLflow message', async () => {
      const runId = await newRun();
      expect(
        (await mlflow().post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status,
      ).toBe(200);
      expect(
        (await mlflow().post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status,
      ).toBe(200);
      const changed = await mlflow().post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' });
      expect(changed.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${runId}'. Attempted logging new value '0.2'.`,
      });
      const long = await mlflow().post('runs/log-parameter', {
        run_id: runId,
        key: 'big',
        value: 'v'.repeat(6001),
      });
      expect(long.body.message).toBe(
        `Param value '${'v'.repeat(250)}' had length 6001, which exceeded length limit of 6000`,
      );
      expect(
        (await mlflow().post('runs/log-parameter', { run_id: runId, key: 'ok', value: 'v'.repeat(6000) }))
          .status,
      ).toBe(200);
      expect((await getRun(runId)).data.params).toEqual([
        { key: 'lr', value: '0.1' },
        { key: 'ok', value: 'v'.repeat(6000) },
      ]);
    });

    it('sets and deletes tags; the mlflow.runName tag renames the run', async () => {
      const runId = await newRun({ run_name: 'first' });
      await mlflow().post('runs/set-tag', { run_id: runId, key: 'stage', value: 'dev' });
      await mlflow().post('runs/set-tag', { run_id: runId, key: 'stage', value: 'prod' });
      await mlflow().post('runs/set-tag', { run_id: runId, key: 'mlflow.runName', value: 'second' });
      let run = await getRun(runId);
      expect(run.info.run_name).toBe('second');
      expect(run.data.tags).toContainEqual({ key: 'stage', value: 'prod' });
      await mlflow().post('runs/delete-tag', { run_id: runId, key: 'stage' });
      run = await getRun(runId);
      expect(run.data.tags.map((t: { key: string }) => t.key)).not.toContain('stage');
      const missing = await mlflow().post('runs/delete-tag', { run_id: runId, key: 'stage' });
      expect(missing.body).toEqual({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: `No tag with name: stage in run with id ${runId}`,
      });
    });

    it('logs dataset inputs once per dataset and shows them on the run', async () => {
      const runId = await newRun();
      const dataset = {
        name: 'iris',
        digest: 'abc123',
        source_type: 'local',
        source: '{"uri": "/data/iris.csv"}',
        schema: '{"a": 1}',
      };
      const res = await mlflow().post('runs/log-inputs', {
        run_id: runId,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
      });
      expect(res.status).toBe(200);
      await mlflow().post('runs/log-inputs', {
        run_id: runId,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset }],
      });
      const run = await getRun(runId);
      expect(run.inputs).toEqual({
        dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
      });
      const tooLong = await mlflow().post('runs/log-inputs', {
        run_id: runId,
        datasets: [{ dataset: { ...dataset, digest: 'x'.repeat(37) } }],
      });
      expect(tooLong.body.message).toBe('Dataset digest exceeds the maximum length of 36');
      const missing = await mlflow().post('runs/log-inputs', { run_id: runId });
      expect(missing.body.message).toContain("Missing value for required parameter 'datasets'");
    });

    it('appends logged models to the mlflow.log-model.history tag', async () => {
      const runId = await newRun();
      const model = {
        run_id: runId,
        artifact_path: 'model',
        utc_time_created: '2026-11-26 15:28:22.489088',
        flavors: { onnx: {} },
      };
      expect(
        (await mlflow().post('runs/log-model', { run_id: runId, model_json: JSON.stringify(model) })).status,
      ).toBe(200);
      await mlflow().post('runs/log-model', {
        run_id: runId,
        model_json: JSON.stringify({ ...model, artifact_path: 'm2' }),
      });
      const tag = (await getRun(runId)).data.tags.find(
        (t: { key: string }) => t.key === 'mlflow.log-model.history',
      );
      const history = JSON.parse(tag.value);
      expect(history.map((entry: { artifact_path: string }) => entry.artifact_path)).toEqual(['model', 'm2']);
      expect(tag.value).toContain('"artifact_path": "model"');

      const malformed = await mlflow().post('runs/log-model', { run_id: runId, model_json: '{nope' });
      expect(malformed.body.message).toBe('Malformed model info. \n {nope \n is not a valid JSON.');
      const incomplete = await mlflow().post('runs/log-model', {
        run_id: runId,
        model_json: '{"run_id": "x"}',
      });
      expect(incomplete.body.message).toBe(
        "Model json is missing mandatory fields: {'artifact_path', 'flavors', 'utc_time_created'}",
      );
    });

    it('refuses a non-JSON content type and malformed JSON without dying', async () => {
      const text = await harness().app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/search',
        payload: '{"experiment_ids":["0"]}',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.statusCode).toBe(400);
      expect(JSON.parse(text.body)).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Bad Request. Content-Type must be one of ['application/json'].",
      });
      const malformed = await harness().app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/runs/create',
        payload: '{"experiment_id": "0",',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.statusCode).toBe(400);
      expect(JSON.parse(malformed.body).error_code).toBe('BAD_REQUEST');
      const health = await harness().app.inject({ method: 'GET', url: '/health' });
      expect(health.body).toBe('OK');
      const unknown = await harness().app.inject({ method: 'GET', url: '/api/2.0/mlflow/nope' });
      expect(unknown.statusCode).toBe(404);
      expect(JSON.parse(unknown.body).error_code).toBe('ENDPOINT_NOT_FOUND');
    });
  },
);
