import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCanaryFlag } from '../../src/cli/commands/deployments-command.js';
import { openAssay } from '../../src/context.js';
import type { DeploymentView } from '../../src/views/deployment-views.js';
import { FIXTURE_ROOT } from '../evaluation/support/fixture-models.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/stores.js';

const CANCER = `${FIXTURE_ROOT}breast_cancer/`;

describe('--canary NAME@SELECTOR:PERCENT', () => {
  it('splits at the last colon after the @, with or without %', () => {
    expect(parseCanaryFlag('fraud@challenger:10%')).toEqual({ model: 'fraud@challenger', percent: 10 });
    expect(parseCanaryFlag('fraud@3:12.5')).toEqual({ model: 'fraud@3', percent: 12.5 });
    expect(parseCanaryFlag('team:fraud@challenger:5%')).toEqual({
      model: 'team:fraud@challenger',
      percent: 5,
    });
    // No percent: an update keeps the current one (a create is refused by the service).
    expect(parseCanaryFlag('team:fraud@challenger')).toEqual({ model: 'team:fraud@challenger' });
    expect(() => parseCanaryFlag('fraud@challenger:ten%')).toThrow(
      '--canary fraud@challenger:ten%: expected NAME@ALIAS:PERCENT or NAME@VERSION:PERCENT, e.g. fraud@challenger:10%',
    );
    expect(() => parseCanaryFlag('fraud@challenger:')).toThrow(/expected NAME@ALIAS:PERCENT/);
  });
});

/** `assay deployments` on the embedded store and against a server: the same answers. */
describe('assay deployments, embedded and against a server', () => {
  let localDir: string;
  let server: ServerProcess;
  const env = { ASSAY_USER: 'carol', NO_COLOR: '1' };

  beforeAll(async () => {
    localDir = await makeTempDir('assay-deployments-local-');
    const remoteDir = await makeTempDir('assay-deployments-remote-');
    server = await startServerProcess(['--port', '0'], { cwd: remoteDir });
    for (const args of [
      ['models', 'register', 'fraud', `${CANCER}bc-logreg-v1.onnx`],
      ['models', 'register', 'fraud', `${CANCER}bc-mlp-v2.onnx`],
      ['models', 'alias', 'fraud', 'production', '1'],
      ['models', 'alias', 'fraud', 'challenger', '2'],
    ]) {
      const result = await both(...args);
      expect([result.local.code, result.remote.code], result.local.stderr + result.remote.stderr).toEqual([
        0, 0,
      ]);
    }
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  const local = (...args: string[]) => runCli(args, { cwd: localDir, env });
  const remote = (...args: string[]) => runCli(['--uri', server.url, ...args], { cwd: localDir, env });
  async function both(...args: string[]) {
    const [a, b] = [await local(...args), await remote(...args)];
    return { local: a, remote: b };
  }

  /** Times differ between two stores; the server's status is its own (it may serve the deployment). */
  const normalize = (text: string): string =>
    text
      .replace(/"(creation_time|last_updated_time)":\d+/g, '"$1":0')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');

  const same = async (...args: string[]) => {
    const result = await both(...args);
    expect(result.local.stderr, `local ${args.join(' ')}`).toBe('');
    expect(result.remote.stderr, `remote ${args.join(' ')}`).toBe('');
    expect(normalize(result.remote.stdout)).toBe(normalize(result.local.stdout));
    expect([result.local.code, result.remote.code]).toEqual([0, 0]);
    return result.local.stdout;
  };

  /**
   * The same definition both ways (`--json`). The server serves the deployment and reports its own
   * status meanwhile, which the embedded store has no one to do: status is left aside.
   */
  const sameSpec = async (...args: string[]) => {
    const result = await both(...args, '--json');
    expect(result.local.stderr, `local ${args.join(' ')}`).toBe('');
    expect(result.remote.stderr, `remote ${args.join(' ')}`).toBe('');
    expect([result.local.code, result.remote.code]).toEqual([0, 0]);
    const localView = JSON.parse(normalize(result.local.stdout)) as DeploymentView;
    const remoteView = JSON.parse(normalize(result.remote.stdout)) as DeploymentView;
    expect({ ...remoteView, status: null }).toEqual({ ...localView, status: null });
    return localView;
  };

  /** The same failure both ways: its exit code and its one line. */
  const fails = async (code: number, message: string, ...args: string[]) => {
    const result = await both(...args);
    for (const run of [result.local, result.remote]) {
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr).toBe(`assay: ${message}\n`);
      expect(run.stdout).toBe('');
    }
  };

  it('creates a deployment with a canary, a shadow and batching', async () => {
    const text = await same(
      'deployments',
      'create',
      'fraud',
      '--model',
      'fraud@production',
      '--canary',
      'fraud@challenger:10%',
      '--canary-max-p99',
      '250',
      '--canary-min-requests',
      '20',
      '--shadow',
      'fraud@1',
      '--max-batch-size',
      '32',
      '--preferred-batch-size',
      '8',
      '--preferred-batch-size',
      '16',
      '--queue-timeout',
      '50',
      '--log-sample-rate',
      '0.5',
    );
    expect(text.split('\n')).toEqual([
      'fraud  generation 1',
      '  model:     fraud@production',
      '  canary:    fraud@challenger, 10% of requests',
      '             halts on error rate above 5% or p99 above 250 ms, once 20 requests in 60 s',
      '  shadow:    fraud@1',
      '  batching:  at most 32 rows per call, queue delay 0 ms, queue 1024 requests, queue timeout 50 ms, 1 instance x 1 thread',
      '  preferred: batch sizes 8, 16',
      '  logging:   50% of requests',
      expect.stringMatching(/^ {2}created: {3}\S+Z, updated \S+Z$/),
      '  status:    not reported yet (deployments are served by `assay server`)',
      '',
    ]);
  });

  it('shows and lists it the same way, --json too', async () => {
    const shown = JSON.parse(normalize((await local('deployments', 'show', 'fraud', '--json')).stdout));
    const remoteShown = JSON.parse(
      normalize((await remote('deployments', 'show', 'fraud', '--json')).stdout),
    );
    expect({ ...remoteShown, status: null }).toEqual(shown);
    expect(shown).toMatchObject({
      name: 'fraud',
      model: 'fraud@production',
      canary: {
        model: 'fraud@challenger',
        percent: 10,
        max_error_rate: 0.05,
        max_p99_ms: 250,
        min_requests: 20,
      },
      shadow: { model: 'fraud@1' },
      batching: { max_batch_size: 32, preferred_batch_sizes: [8, 16], queue_timeout_ms: 50 },
      log_sample_rate: 0.5,
      generation: 1,
      status: null,
    });
    const listed = await local('deployments', 'list');
    expect(listed.stdout.split('\n').slice(0, 3)).toEqual([
      'name   model             serving  canary                shadow   state  generation',
      '-----  ----------------  -------  --------------------  -------  -----  ----------',
      'fraud  fraud@production        -  fraud@challenger 10%  fraud@1  -               1',
    ]);
    const remoteList = JSON.parse((await remote('deployments', 'list', '--json')).stdout) as {
      name: string;
    }[];
    expect(remoteList.map((view) => view.name)).toEqual(['fraud']);
  });

  it('updates only what the flags name; --no-canary and --no-shadow remove them', async () => {
    const rules = await sameSpec(
      'deployments',
      'update',
      'fraud',
      '--canary-max-error-rate',
      'none',
      '--canary-window',
      '30',
      '--max-batch-size',
      '64',
    );
    expect(rules).toMatchObject({
      generation: 2,
      canary: {
        model: 'fraud@challenger',
        percent: 10,
        max_error_rate: null,
        max_p99_ms: 250,
        window_seconds: 30,
      },
      batching: { max_batch_size: 64, preferred_batch_sizes: [8, 16], queue_timeout_ms: 50 },
      log_sample_rate: 0.5,
    });
    const percent = await sameSpec('deployments', 'update', 'fraud', '--canary', 'fraud@challenger:25');
    expect(percent.canary).toMatchObject({ percent: 25, max_error_rate: null, window_seconds: 30 });
    const removed = await sameSpec(
      'deployments',
      'update',
      'fraud',
      '--no-canary',
      '--no-shadow',
      '--model',
      'fraud@2',
    );
    expect(removed).toMatchObject({ generation: 4, model: 'fraud@2', canary: null, shadow: null });
  });

  it('refuses bad input with one line naming the flag or field', async () => {
    await fails(
      2,
      '--canary fraud@challenger:ten: expected NAME@ALIAS:PERCENT or NAME@VERSION:PERCENT, e.g. fraud@challenger:10%',
      'deployments',
      'create',
      'other',
      '--model',
      'fraud@production',
      '--canary',
      'fraud@challenger:ten',
    );
    await fails(
      2,
      "--max-batch-size must be a number, got 'lots'",
      'deployments',
      'create',
      'other',
      '--model',
      'fraud@1',
      '--max-batch-size',
      'lots',
    );
    await fails(
      2,
      '--no-canary removes the canary: it takes no --canary-* flags',
      'deployments',
      'update',
      'fraud',
      '--no-canary',
      '--canary-max-p99',
      '100',
    );
    await fails(
      1,
      'Deployment (name=fraud) already exists.',
      'deployments',
      'create',
      'fraud',
      '--model',
      'fraud@1',
    );
    await fails(
      1,
      "model 'fraud@staging': Model 'fraud' has no alias 'staging' (its aliases: challenger -> 2, production -> 1)",
      'deployments',
      'create',
      'other',
      '--model',
      'fraud@staging',
    );
    await fails(
      1,
      'canary.percent is required: the share of requests, above 0 and at most 100',
      'deployments',
      'create',
      'other',
      '--model',
      'fraud@1',
      '--canary',
      'fraud@2',
    );
    await fails(
      1,
      "canary.model 'fraud@production' is the deployment's own model: name another version or alias",
      'deployments',
      'create',
      'other',
      '--model',
      'fraud@production',
      '--canary',
      'fraud@production:5%',
    );
    await fails(
      1,
      'batching: max_batch_size must be a positive integer, got 0',
      'deployments',
      'update',
      'fraud',
      '--max-batch-size',
      '0',
    );
    await fails(1, 'Deployment with name=ghost not found', 'deployments', 'show', 'ghost');
    await fails(1, 'Deployment with name=ghost not found', 'deployments', 'delete', 'ghost');
    const missing = await local('deployments', 'create', 'other');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--model <ref>' not specified");
  });

  it('show prints what the server reported: versions, error, canary halt, the shadow diff', async () => {
    await sameSpec(
      'deployments',
      'update',
      'fraud',
      '--canary',
      'fraud@challenger:10%',
      '--shadow',
      'fraud@1',
    );
    const data = path.join(localDir, 'assay-data');
    const assay = await openAssay({
      store: `sqlite:${path.join(data, 'assay.db')}`,
      artifacts: path.join(data, 'artifacts'),
    });
    try {
      const { generation } = await assay.deployments.get('fraud');
      await assay.deployments.saveStatus(
        'fraud',
        {
          state: 'ready',
          servedVersion: 2,
          canaryVersion: 2,
          shadowVersion: 1,
          error: 'version 3 failed to load: bad file',
          canaryHalt: {
            reason: 'error rate 12% above 5% over 50 requests',
            at: Date.UTC(2026, 0, 2, 3, 4, 5),
          },
          shadowDiff: {
            rows_compared: 1200,
            label_flips: 18,
            flip_rate: 0.015,
            score_delta: { mean_abs: 0.0123456, max_abs: 0.4 },
            crossings: { '0.5': 7 },
          },
          updatedAt: Date.UTC(2026, 0, 2, 3, 4, 6),
        },
        generation,
      );
    } finally {
      await assay.close();
    }
    const shown = (await local('deployments', 'show', 'fraud')).stdout;
    expect(shown).toContain('fraud  generation 5, ready\n  model:     fraud@2 -> version 2\n');
    expect(shown).toContain('  canary:    fraud@challenger, 10% of requests -> version 2\n');
    expect(shown).toContain(
      '             HALTED at 2026-01-02T03:04:05.000Z: error rate 12% above 5% over 50 requests\n',
    );
    expect(shown).toContain('  shadow:    fraud@1 -> version 1\n');
    expect(shown).toContain(
      '  status:    ready, reported 2026-01-02T03:04:06.000Z\n  error:     version 3 failed to load: bad file\n',
    );
    expect(shown.split('\n').slice(-8)).toEqual([
      '  shadow diff (fraud@1 against the served version):',
      '    rows_compared:        1200',
      '    label_flips:          18',
      '    flip_rate:            0.015',
      '    score_delta.mean_abs: 0.01235',
      '    score_delta.max_abs:  0.4',
      '    crossings.0.5:        7',
      '',
    ]);
    const listed = (await local('deployments', 'list')).stdout;
    expect(listed).toMatch(/fraud {2}fraud@2 +2 +fraud@challenger 10% \(halted\) +fraud@1 +ready +5/);
    // An update resumes the halted canary.
    const resumed = JSON.parse((await local('deployments', 'update', 'fraud', '--json')).stdout);
    expect(resumed).toMatchObject({ generation: 6, status: { canary_halt: null, served_version: 2 } });
  });

  it('deletes', async () => {
    expect((await local('deployments', 'delete', 'fraud')).stdout).toBe('Deleted deployment fraud\n');
    expect((await remote('deployments', 'delete', 'fraud', '--json')).stdout).toBe('{"deleted":"fraud"}\n');
    expect(await same('deployments', 'list')).toBe(
      'No deployments. Create one with `assay deployments create NAME --model NAME@ALIAS`.\n',
    );
  });
});
