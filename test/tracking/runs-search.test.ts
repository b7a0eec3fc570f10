import { beforeAll, expect, it } from 'vitest';
import { createAppHarness } from '../helpers/app-harness.js';
import { describeEachStore } from '../helpers/stores.js';

interface SeedRun {
  name: string;
  start: number;
  metrics: Record<string, number | string>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

const SEED: SeedRun[] = [
  {
    name: 'r0',
    start: 100,
    metrics: { acc: 0.1, loss: 0.9 },
    params: { opt: 'sgd', lr: '0.1' },
    tags: { team: 'Blue' },
  },
  {
    name: 'r1',
    start: 101,
    metrics: { acc: 0.5 },
    params: { opt: 'adam', lr: '0.01' },
    tags: { team: 'red' },
  },
  { name: 'r2', start: 102, metrics: { acc: 'NaN', loss: 0.2 }, params: { opt: 'adam' }, tags: {} },
  {
    name: 'r3',
    start: 103,
    metrics: { acc: 0.9, loss: 0.4 },
    params: { opt: 'Adam' },
    tags: { team: 'blue' },
  },
  { name: 'r4', start: 104, metrics: { loss: 0.7 }, params: {}, tags: { team: 'red' } },
];

describeEachStore(
  'runs/search semantics',
  (store) => createAppHarness(store),
  (harness) => {
    const mlflow = () => harness().mlflow;
    let experimentId = '';
    const ids = new Map<string, string>();

    beforeAll(async () => {
      experimentId = (await mlflow().post('experiments/create', { name: 'search' })).body.experiment_id;
      for (const seed of SEED) {
        const created = await mlflow().post('runs/create', {
          experiment_id: experimentId,
          run_name: seed.name,
          start_time: seed.start,
          user_id: seed.name === 'r0' ? 'alice' : 'bob',
        });
        const runId = created.body.run.info.run_id as string;
        ids.set(seed.name, runId);
        const res = await mlflow().post('runs/log-batch', {
          run_id: runId,
          metrics: Object.entries(seed.metrics).map(([key, value]) => ({
            key,
            value,
            timestamp: 1,
            step: 0,
          })),
          params: Object.entries(seed.params).map(([key, value]) => ({ key, value })),
          tags: Object.entries(seed.tags).map(([key, value]) => ({ key, value })),
        });
        expect(res.status).toBe(200);
      }
      await mlflow().post('runs/update', { run_id: ids.get('r4'), status: 'FINISHED', end_time: 500 });
      await mlflow().post('runs/log-inputs', {
        run_id: ids.get('r1'),
        datasets: [
          {
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            dataset: { name: 'iris', digest: 'd1', source_type: 'local', source: 'x' },
          },
        ],
      });
    });

    const names = async (body: Record<string, unknown>): Promise<string[]> => {
      const res = await mlflow().post('runs/search', { experiment_ids: [experimentId], ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.runs ?? []).map((run: { info: { run_name: string } }) => run.info.run_name);
    };

    it('orders by start_time DESC by default', async () => {
      expect(await names({})).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    });

    it('compares the latest metric value; NaN satisfies only !=', async () => {
      expect(await names({ filter: 'metrics.acc > 0.4' })).toEqual(['r3', 'r1']);
      expect(await names({ filter: 'metrics.acc <= 0.5' })).toEqual(['r1', 'r0']);
      expect(await names({ filter: 'metrics.acc != 0.5' })).toEqual(['r3', 'r2', 'r0']);
      expect(await names({ filter: 'metrics.acc = 0' })).toEqual([]);
      expect(await names({ filter: 'metrics.missing > 0' })).toEqual([]);
    });

    it('matches params and tags with = != LIKE ILIKE; a run without the key never matches', async () => {
      expect(await names({ filter: "params.opt = 'adam'" })).toEqual(['r2', 'r1']);
      expect(await names({ filter: "params.opt != 'adam'" })).toEqual(['r3', 'r0']);
      expect(await names({ filter: "params.opt LIKE 'a%'" })).toEqual(['r2', 'r1']);
      expect(await names({ filter: "params.opt ILIKE 'a%'" })).toEqual(['r3', 'r2', 'r1']);
      expect(await names({ filter: "tags.team LIKE '%lue'" })).toEqual(['r3', 'r0']);
      expect(await names({ filter: "tags.team = 'blue'" })).toEqual(['r3']);
      expect(await names({ filter: "params.lr LIKE '0._'" })).toEqual(['r0']);
    });

    it('filters on attributes, aliases included', async () => {
      expect(await names({ filter: "attributes.run_name = 'r2'" })).toEqual(['r2']);
      expect(await names({ filter: "`Run name` LIKE 'r%' and created >= 103" })).toEqual(['r4', 'r3']);
      expect(await names({ filter: "status = 'FINISHED'" })).toEqual(['r4']);
      expect(await names({ filter: 'attributes.end_time > 100' })).toEqual(['r4']);
      expect(await names({ filter: "attributes.user_id = 'alice'" })).toEqual(['r0']);
      const inList = `attributes.run_id IN ('${ids.get('r0')}', '${ids.get('r3')}')`;
      expect(await names({ filter: inList })).toEqual(['r3', 'r0']);
      expect(await names({ filter: `run.run_id NOT IN ('${ids.get('r0')}')` })).toEqual([
        'r4',
        'r3',
        'r2',
        'r1',
      ]);
    });

    it('filters on dataset inputs', async () => {
      expect(await names({ filter: "datasets.name = 'iris'" })).toEqual(['r1']);
      expect(await names({ filter: "dataset.context = 'training'" })).toEqual(['r1']);
      expect(await names({ filter: "datasets.digest IN ('d1', 'd2')" })).toEqual(['r1']);
      expect(await names({ filter: "datasets.name = 'wine'" })).toEqual([]);
    });

    it('accepts OR and parentheses (beyond MLflow), AND binding tighter', async () => {
      expect(await names({ filter: "metrics.acc > 0.8 OR params.opt = 'sgd'" })).toEqual(['r3', 'r0']);
      expect(
        await names({ filter: "metrics.acc > 0.8 or tags.team = 'red' and params.opt = 'adam'" }),
      ).toEqual(['r3', 'r1']);
      expect(
        await names({ filter: "(metrics.acc > 0.8 or tags.team = 'red') and metrics.loss > 0.1" }),
      ).toEqual(['r4', 'r3']);
    });

    it('orders by metrics with real values first, then NaN, then missing, both directions', async () => {
      expect(await names({ order_by: ['metrics.acc DESC'] })).toEqual(['r3', 'r1', 'r0', 'r2', 'r4']);
      expect(await names({ order_by: ['metrics.acc ASC'] })).toEqual(['r0', 'r1', 'r3', 'r2', 'r4']);
      expect(await names({ order_by: ['metrics.acc'] })).toEqual(['r0', 'r1', 'r3', 'r2', 'r4']);
      expect(await names({ filter: 'metrics.acc > 0', order_by: ['metrics.acc DESC'] })).toEqual([
        'r3',
        'r1',
        'r0',
      ]);
    });

    it('walks a required metric in order: ties by start time then run id, bounded ranges, paging', async () => {
      const experiment = (await mlflow().post('experiments/create', { name: 'search-ties' })).body
        .experiment_id;
      const values = [0.7, 0.9, 0.7, 0.3, 'NaN', 0.7, 0.95];
      const starts = [0, 1, 2, 3, 4, 0, 6];
      for (const [index, value] of values.entries()) {
        const runId = (
          await mlflow().post('runs/create', {
            experiment_id: experiment,
            run_name: `t${index}`,
            start_time: starts[index],
          })
        ).body.run.info.run_id;
        await mlflow().post('runs/log-metric', { run_id: runId, key: 'acc', value, timestamp: 1 });
      }
      const search = async (body: Record<string, unknown>) =>
        (await mlflow().post('runs/search', { experiment_ids: [experiment], ...body })).body;
      const all = await search({ filter: 'metrics.acc > 0.5', order_by: ['metrics.acc DESC'] });
      const byName = new Map(
        all.runs.map((run: { info: { run_name: string; run_id: string } }) => [
          run.info.run_name,
          run.info.run_id,
        ]),
      );
      // 0.7 three times: t2 (start 2) first, then t0 and t5 (both start 0) by run id.
      const tied = ['t0', 't5'].sort((a, b) =>
        (byName.get(a) as string) < (byName.get(b) as string) ? -1 : 1,
      );
      expect(all.runs.map((run: { info: { run_name: string } }) => run.info.run_name)).toEqual([
        't6',
        't1',
        't2',
        ...tied,
      ]);
      const range = await search({
        filter: 'metrics.acc >= 0.7 and metrics.acc < 0.95',
        order_by: ['metrics.acc ASC'],
      });
      expect(range.runs.map((run: { info: { run_name: string } }) => run.info.run_name)).toEqual([
        't2',
        ...tied,
        't1',
      ]);
      const first = await search({
        filter: 'metrics.acc > 0',
        order_by: ['metrics.acc DESC'],
        max_results: 4,
      });
      const second = await search({
        filter: 'metrics.acc > 0',
        order_by: ['metrics.acc DESC'],
        max_results: 4,
        page_token: first.next_page_token,
      });
      const paged = [...first.runs, ...second.runs].map(
        (run: { info: { run_name: string } }) => run.info.run_name,
      );
      expect(paged).toEqual(['t6', 't1', 't2', ...tied, 't3']);
    });

    it('orders by params, tags and attributes with missing values last, several keys', async () => {
      expect(await names({ order_by: ['params.opt ASC'] })).toEqual(['r3', 'r2', 'r1', 'r0', 'r4']);
      expect(await names({ order_by: ['params.opt DESC'] })).toEqual(['r0', 'r2', 'r1', 'r3', 'r4']);
      expect(await names({ order_by: ['tags.team ASC', 'metrics.loss DESC'] })).toEqual([
        'r0',
        'r3',
        'r4',
        'r1',
        'r2',
      ]);
      expect(await names({ order_by: ['attributes.start_time ASC'] })).toEqual([
        'r0',
        'r1',
        'r2',
        'r3',
        'r4',
      ]);
      expect(await names({ order_by: ['attributes.end_time DESC'] })).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
      expect(await names({ order_by: ['run_name DESC'] })).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    });

    it('pages with offset tokens; a full last page still gets a token, as in MLflow', async () => {
      const first = await mlflow().post('runs/search', { experiment_ids: [experimentId], max_results: 2 });
      expect(first.body.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual([
        'r4',
        'r3',
      ]);
      const seen = [...first.body.runs];
      let token = first.body.next_page_token as string | undefined;
      while (token) {
        const page = await mlflow().post('runs/search', {
          experiment_ids: [experimentId],
          max_results: 2,
          page_token: token,
        });
        seen.push(...(page.body.runs ?? []));
        token = page.body.next_page_token;
      }
      expect(seen.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual([
        'r4',
        'r3',
        'r2',
        'r1',
        'r0',
      ]);
      const exact = await mlflow().post('runs/search', { experiment_ids: [experimentId], max_results: 5 });
      expect(exact.body.next_page_token).toBe(Buffer.from('{"offset": 5}').toString('base64'));
    });

    it('returns full runs with data and inputs, honours view type and several experiments', async () => {
      const res = await mlflow().post('runs/search', {
        experiment_ids: [experimentId],
        filter: "attributes.run_name = 'r1'",
      });
      const run = res.body.runs[0];
      expect(run.data.params).toEqual([
        { key: 'lr', value: '0.01' },
        { key: 'opt', value: 'adam' },
      ]);
      expect(run.inputs.dataset_inputs[0].dataset.name).toBe('iris');
      await mlflow().post('runs/delete', { run_id: ids.get('r0') });
      expect(await names({})).not.toContain('r0');
      expect(await names({ run_view_type: 'DELETED_ONLY' })).toEqual(['r0']);
      expect(await names({ run_view_type: 'ALL' })).toHaveLength(5);
      await mlflow().post('runs/restore', { run_id: ids.get('r0') });
      const other = (await mlflow().post('experiments/create', { name: 'search-other' })).body.experiment_id;
      await mlflow().post('runs/create', { experiment_id: other, run_name: 'o1', start_time: 999 });
      const both = await mlflow().post('runs/search', { experiment_ids: [experimentId, other] });
      expect(both.body.runs).toHaveLength(6);
      expect((await mlflow().post('runs/search', { experiment_ids: [] })).body).toEqual({});
    });

    it('refuses bad input with MLflow messages', async () => {
      const limit = await mlflow().post('runs/search', {
        experiment_ids: [experimentId],
        max_results: 50001,
      });
      expect(limit.body.message).toBe(
        "Invalid value 50001 for parameter 'max_results' supplied. Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
      );
      const comparator = await mlflow().post('runs/search', {
        experiment_ids: [experimentId],
        filter: "params.opt > 'a'",
      });
      expect(comparator.status).toBe(400);
      const orderBy = await mlflow().post('runs/search', {
        experiment_ids: [experimentId],
        order_by: ['metrics.acc NULLS LAST'],
      });
      expect(orderBy.body.message).toBe(
        "Invalid order_by clause 'metrics.acc NULLS LAST'. Could not be parsed.",
      );
    });
  },
);
