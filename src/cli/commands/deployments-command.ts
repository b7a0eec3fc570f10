import type { Command } from 'commander';
import type { CanaryInput } from '../../serving/deployments/deployment-validation.js';
import type { DeploymentPatch } from '../../serving/deployments/deployments-service.js';
import { withClient } from '../connect.js';
import { globalOptions } from '../global-options.js';
import { deploymentListText, deploymentText } from '../output/deployment-text.js';
import { print } from '../output/print.js';
import { UsageError } from '../usage-error.js';
import {
  addBatchingFlags,
  batchingFlags,
  hasBatchingFlags,
  numberFlag,
  type BatchingFlags,
} from './batching-flags.js';

interface DeploymentFlags extends BatchingFlags {
  model?: string;
  /** `--no-canary` (update only): false. */
  canary?: string | false;
  canaryMaxErrorRate?: string;
  canaryMaxP99?: string;
  canaryMinRequests?: string;
  canaryWindow?: string;
  shadow?: string | false;
  logSampleRate?: string;
}

export function registerDeploymentsCommand(program: Command): void {
  const deployments = program
    .command('deployments')
    .description(
      'Deployments served by `assay server` on its own port: a model by alias or version, a canary, a shadow, batching.',
    );

  const create = deployments
    .command('create')
    .description('Define a deployment; `assay server` loads it and serves it under NAME.')
    .argument('<name>', 'the served name (/v2/models/NAME/infer, /models/NAME/invocations)')
    .requiredOption('--model <ref>', 'NAME@ALIAS (followed as the alias moves) or NAME@VERSION');
  specFlags(create, true).action(async (name: string, flags: DeploymentFlags, command: Command) => {
    const options = globalOptions(command);
    const patch = deploymentPatch(flags);
    const view = await withClient(options, (client) =>
      client.createDeployment({ ...patch, name, model: flags.model ?? '' }),
    );
    print(options, view, deploymentText);
  });

  const update = deployments
    .command('update')
    .description(
      'Change a deployment: only what the flags name changes. Any update clears a halted canary (with no flags: resumes it).',
    )
    .argument('<name>', 'the deployment')
    .option('--model <ref>', 'NAME@ALIAS or NAME@VERSION');
  specFlags(update, false)
    .option('--no-canary', 'remove the canary')
    .option('--no-shadow', 'remove the shadow')
    .action(async (name: string, flags: DeploymentFlags, command: Command) => {
      const options = globalOptions(command);
      const patch = deploymentPatch(flags);
      const view = await withClient(options, (client) => client.updateDeployment(name, patch));
      print(options, view, deploymentText);
    });

  deployments
    .command('list')
    .description('List deployments: what each serves, its canary and shadow, its state.')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const views = await withClient(options, (client) => client.listDeployments());
      print(options, views, deploymentListText);
    });

  deployments
    .command('show')
    .description(
      'Show a deployment: its definition, the versions served, errors, a canary halt, the shadow diff.',
    )
    .argument('<name>', 'the deployment')
    .action(async (name: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      print(options, await withClient(options, (client) => client.showDeployment(name)), deploymentText);
    });

  deployments
    .command('delete')
    .description('Delete a deployment; `assay server` stops serving it.')
    .argument('<name>', 'the deployment')
    .action(async (name: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      await withClient(options, (client) => client.deleteDeployment(name));
      print(options, { deleted: name }, () => `Deleted deployment ${name}`);
    });
}

/** The flags create and update share. */
function specFlags(command: Command, creating: boolean): Command {
  command
    .option('--canary <ref:percent>', 'a canary taking a share of requests, e.g. fraud@challenger:10%')
    .option(
      '--canary-max-error-rate <rate>',
      'halt the canary above this share of failed requests (default 0.05; none: no limit)',
    )
    .option('--canary-max-p99 <ms>', 'halt the canary above this p99 latency (default none: no limit)')
    .option(
      '--canary-min-requests <n>',
      'judge the halt rules once the canary answered this many requests in the window (default 50)',
    )
    .option('--canary-window <seconds>', 'the window the halt rules look at (default 60)')
    .option(
      '--shadow <ref>',
      'mirror requests to this model off the response path and diff its answers, e.g. fraud@3',
    );
  addBatchingFlags(command, creating);
  return command.option(
    '--log-sample-rate <share>',
    `share of requests whose predictions are logged, 0 to 1${creating ? ' (default 1; 0 logs none)' : ''}`,
  );
}

/** The flags as a change to a deployment (for create: its whole definition but name and model). */
function deploymentPatch(flags: DeploymentFlags): DeploymentPatch {
  return {
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...canaryPatch(flags),
    ...(flags.shadow === undefined
      ? {}
      : { shadow: flags.shadow === false ? null : { model: flags.shadow } }),
    ...(hasBatchingFlags(flags) ? { batching: batchingFlags(flags) } : {}),
    ...(flags.logSampleRate === undefined
      ? {}
      : { logSampleRate: numberFlag('--log-sample-rate', flags.logSampleRate) }),
  };
}

function canaryPatch(flags: DeploymentFlags): Pick<DeploymentPatch, 'canary'> {
  const rules: CanaryInput = {
    maxErrorRate: limitFlag('--canary-max-error-rate', flags.canaryMaxErrorRate),
    maxP99Ms: limitFlag('--canary-max-p99', flags.canaryMaxP99),
    minRequests: numberFlag('--canary-min-requests', flags.canaryMinRequests),
    windowSeconds: numberFlag('--canary-window', flags.canaryWindow),
  };
  const someRule = Object.values(rules).some((value) => value !== undefined);
  if (flags.canary === false) {
    if (someRule) throw new UsageError('--no-canary removes the canary: it takes no --canary-* flags');
    return { canary: null };
  }
  if (flags.canary === undefined) return someRule ? { canary: rules } : {};
  return { canary: { ...parseCanaryFlag(flags.canary), ...definedOnly(rules) } };
}

/**
 * `fraud@challenger:10%` -> the selector and the percent. The split is at the last ':' after the
 * '@', so a model name may hold ':'; without one, only the model is given (an update keeps the
 * percent).
 */
export function parseCanaryFlag(text: string): { model: string; percent?: number } {
  const colon = text.lastIndexOf(':');
  if (colon < 0 || colon < text.lastIndexOf('@')) return { model: text };
  const share = text.slice(colon + 1).replace(/%$/, '');
  const percent = Number(share);
  if (share.trim() === '' || !Number.isFinite(percent)) {
    throw new UsageError(
      `--canary ${text}: expected NAME@ALIAS:PERCENT or NAME@VERSION:PERCENT, e.g. fraud@challenger:10%`,
    );
  }
  return { model: text.slice(0, colon), percent };
}

/** A limit, or `none` for no limit. */
function limitFlag(flag: string, text: string | undefined): number | null | undefined {
  return text?.trim().toLowerCase() === 'none' ? null : numberFlag(flag, text);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}
