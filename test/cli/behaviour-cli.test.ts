import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/stores.js';

const CANCER = `${FIXTURE_ROOT}breast_cancer/`;
const CONTRACT = `dataset: cancer
where: "split = 'eval'"
baseline: production
checks:
  - {metric: accuracy, min: 0.9}
  - {negative_flip_rate: {max: 0.05}}
  - {metric: recall, slice: large, min: 0.5}
`;

/**
 * The same session of commands against the embedded store (./assay-data in a fresh directory) and
 * against a server (--uri): the output must be the same, byte for byte once ids and times are
 * set aside.
 */
describe('the assay CLI, embedded and against a server', () => {
  let localDir: string;
  let remoteDir: string;
  let server: ServerProcess;
  const env = { ASSAY_USER: 'carol', NO_COLOR: '1' };

  beforeAll(async () => {
    localDir = await makeTempDir('assay-cli-local-');
    remoteDir = await makeTempDir('assay-cli-remote-');
    server = await startServerProcess(['--port', '0'], { cwd: remoteDir });
    await fs.writeFile(path.join(localDir, 'contract.yaml'), CONTRACT);
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  const local = (...args: string[]) => runCli(args, { cwd: localDir, env });
  const remote = (...args: string[]) => runCli(['--uri', server.url, ...args], { cwd: localDir, env });
  const both = async (...args: string[]) => {
    const [a, b] = [await local(...args), await remote(...args)];
    return { local: a, remote: b };
  };

  /** Evaluation ids and timestamps differ between two stores by nature. */
  const normalize = (text: string): string =>
    text
      .replace(/"(id|a|b|evaluation)":\s*"[0-9a-f]{32}"/g, '"$1":"<id>"')
      .replace(/\b[0-9a-f]{12}\b/g, '<id>')
      .replace(/"created_at":\s*\d+/g, '"created_at":0');

  const same = async (...args: string[]) => {
    const result = await both(...args);
    expect(result.local.stderr, `local ${args.join(' ')}`).toBe('');
    expect(result.remote.stderr, `remote ${args.join(' ')}`).toBe('');
    expect(normalize(result.remote.stdout)).toBe(normalize(result.local.stdout));
    expect([result.local.code, result.remote.code]).toEqual([0, 0]);
    return result.local.stdout;
  };

  it('registers models and imports a dataset', async () => {
    const first = await same('models', 'register', 'cancer', `${CANCER}bc-logreg-v1.onnx`);
    expect(first).toContain('cancer@1  READY');
    expect(first).toMatch(/input +float32 +\[N, 30\]/);
    await same('models', 'register', 'cancer', `${CANCER}bc-forest-v3.onnx`, '--json');
    const dataset = await same(
      'datasets',
      'create',
      'cancer',
      `${CANCER}breast_cancer.csv`,
      '--label',
      'target',
      '--id',
      'id',
      '--slice',
      'large=mean_radius >= 15',
    );
    expect(dataset).toContain('cancer@1');
    expect(dataset).toMatch(/rows: +569/);
  });

  it('tells a dataset format by its file name the same way embedded and against a server', async () => {
    const people = path.join(localDir, 'people.pq');
    await fs.copyFile(path.resolve(import.meta.dirname, '../datasets/fixtures/people.parquet'), people);
    const imported = await same('datasets', 'create', 'people', people);
    expect(imported).toContain('people@1');
    const unknown = await both('datasets', 'create', 'people', `${CANCER}reference.json`);
    expect(unknown.remote.stderr).toBe(unknown.local.stderr);
    expect(unknown.local.stderr).toContain("Cannot tell the format of 'reference.json'");
    expect([unknown.local.code, unknown.remote.code]).toEqual([1, 1]);
  });

  it('lists every dataset with its versions, embedded and against a server', async () => {
    const listed = JSON.parse(await same('datasets', 'list', '--json')) as {
      name: string;
      versions: { version: number; rows: number; label: string | null }[];
    }[];
    expect(listed.map((dataset) => dataset.name)).toEqual(['cancer', 'people']);
    expect(listed[0]?.versions).toMatchObject([{ version: 1, rows: 569, label: 'target' }]);
    expect(listed[0]).toEqual(JSON.parse(await same('datasets', 'show', 'cancer', '--json')));
  });

  it('a file that does not load: FAILED_REGISTRATION, the reason, a non-zero exit', async () => {
    const broken = path.join(localDir, 'broken.onnx');
    await fs.writeFile(broken, 'not a model');
    const result = await both('models', 'register', 'cancer', broken);
    for (const run of [result.local, result.remote]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^assay: Model version cancer\/3 failed registration: .+\n$/);
    }
    const shown = await same('models', 'show', 'cancer@3', '--json');
    expect(JSON.parse(shown)).toMatchObject({
      status: 'FAILED_REGISTRATION',
      status_message: expect.any(String),
    });
  });

  it('evaluates and diffs with the same numbers and the same report', async () => {
    const evaluation = await same('evaluate', 'cancer@1', 'cancer', '--where', "split = 'eval'");
    expect(evaluation).toContain('228 rows');
    expect(evaluation).toMatch(/accuracy +0\.97/);
    const json = JSON.parse(
      await same('evaluate', 'cancer@2', 'cancer@1', '--where', "split = 'eval'", '--json'),
    );
    expect(json).toMatchObject({ rows: 228, task: 'classification', classes: 2 });
    const diff = await same(
      'diff',
      'cancer@1',
      'cancer@2',
      '--dataset',
      'cancer',
      '--where',
      "split = 'eval'",
      '--top',
      '3',
    );
    expect(diff.split('\n')[0]).toMatch(
      /^cancer@1 -> cancer@2 on cancer@1 where split = 'eval': \d+ of 228 decisions changed/,
    );
    expect(diff).toContain('rows that moved most (3)');
  });

  it('contracts gate the alias; --force --reason overrides', async () => {
    await same('models', 'alias', 'cancer', 'production', '1');
    await same('contracts', 'set', 'cancer', 'contract.yaml');
    expect(await same('contracts', 'show', 'cancer')).toContain('negative_flip_rate <= 0.05');

    const check = await both('check', 'cancer@2');
    expect(normalize(check.remote.stdout)).toBe(normalize(check.local.stdout));
    expect([check.local.code, check.remote.code]).toEqual([1, 1]);
    expect(check.local.stdout).toContain('cancer@2: INCOMPATIBLE against contract v1');
    expect(check.local.stdout).toMatch(/FAIL +slice large: recall >= 0.5 +\(line 7\)/);

    const refused = await both('models', 'alias', 'cancer', 'production', '2');
    for (const run of [refused.local, refused.remote]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("Alias 'production' of model 'cancer' is protected");
    }
    const noReason = await local('models', 'alias', 'cancer', 'production', '2', '--force');
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
    const forced = await same(
      'models',
      'alias',
      'cancer',
      'production',
      '2',
      '--force',
      '--reason',
      'INC-7',
      '--json',
    );
    expect(JSON.parse(forced)).toEqual({
      name: 'cancer',
      alias: 'production',
      version: 2,
      previous_version: 1,
      forced: true,
    });
    const listed = await same('models', 'list');
    expect(listed).toContain('production=2');
  });
});
