import { InvalidArgumentError, type Command } from 'commander';
import { withClient } from '../connect.js';
import { UsageError } from '../usage-error.js';
import { globalOptions } from '../global-options.js';
import { aliasText } from '../output/check-text.js';
import { modelListText, modelText, modelVersionText } from '../output/model-text.js';
import { print } from '../output/print.js';

const ROLES = ['label', 'probabilities', 'value'] as const;

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('Register, inspect and promote model versions.');

  models
    .command('register')
    .description('Register an .onnx file as the next version of a model (creating the model if needed).')
    .argument('<name>', 'registered model name')
    .argument('<file>', 'path of the .onnx file')
    .option(
      '--features <columns>',
      'feature columns feeding a single [N, F] input, in order (comma-separated)',
      list,
    )
    .option('--task <task>', 'classification or regression (detected from the outputs otherwise)', task)
    .option('--output <role=name...>', 'which output is label, probabilities or value (detected otherwise)')
    .option('--description <text>', 'description of the version')
    .action(
      async (
        name: string,
        file: string,
        flags: {
          features?: string[];
          task?: 'classification' | 'regression';
          output?: string[];
          description?: string;
        },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const view = await withClient(options, (client) =>
          client.registerModel({
            name,
            file,
            ...(flags.features ? { features: flags.features } : {}),
            ...(flags.task ? { task: flags.task } : {}),
            ...(flags.output ? { outputs: outputRoles(flags.output) } : {}),
            ...(flags.description ? { description: flags.description } : {}),
          }),
        );
        print(options, view, modelVersionText);
        // A file onnxruntime cannot load is registered as FAILED_REGISTRATION: the command fails too.
        if (view.status === 'FAILED_REGISTRATION') process.exitCode = 1;
      },
    );

  models
    .command('alias')
    .description(
      'Point an alias at a version. Aliases a contract protects move only to versions whose check passed.',
    )
    .argument('<name>', 'registered model name')
    .argument('<alias>', 'alias, e.g. production')
    .argument('<version>', 'version number', version)
    .option('--force', 'move a protected alias even though the version has not passed its check')
    .option('--reason <text>', 'why (required with --force; recorded in the audit log)')
    .action(
      async (
        name: string,
        alias: string,
        versionNumber: number,
        flags: { force?: boolean; reason?: string },
        command: Command,
      ) => {
        if (flags.force && !flags.reason)
          throw new UsageError('--force needs --reason TEXT (it goes into the audit log)');
        const options = globalOptions(command);
        const view = await withClient(options, (client) =>
          client.setAlias({
            name,
            alias,
            version: versionNumber,
            force: flags.force === true,
            ...(flags.reason ? { reason: flags.reason } : {}),
          }),
        );
        print(options, view, aliasText);
      },
    );

  models
    .command('list')
    .description('List registered models.')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const views = await withClient(options, (client) => client.listModels());
      print(options, views, modelListText);
    });

  models
    .command('show')
    .description('Show a model (NAME) or one version (NAME@VERSION or NAME@ALIAS): signature, task, checks.')
    .argument('<ref>', 'NAME, NAME@VERSION or NAME@ALIAS')
    .action(async (ref: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      if (ref.includes('@')) {
        print(options, await withClient(options, (client) => client.showModelVersion(ref)), modelVersionText);
      } else {
        print(options, await withClient(options, (client) => client.showModel(ref)), modelText);
      }
    });
}

function list(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list of column names');
  return items;
}

function task(value: string): 'classification' | 'regression' {
  if (value !== 'classification' && value !== 'regression')
    throw new InvalidArgumentError("expected 'classification' or 'regression'");
  return value;
}

function version(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a version number');
  return Number(value);
}

function outputRoles(values: readonly string[]): { label?: string; probabilities?: string; value?: string } {
  const roles: Record<string, string> = {};
  for (const value of values) {
    const [role, name] = value.split('=');
    if (!role || !name || !(ROLES as readonly string[]).includes(role)) {
      throw new UsageError(
        `--output ${value}: expected ROLE=OUTPUT_NAME with ROLE one of ${ROLES.join(', ')}`,
      );
    }
    roles[role] = name;
  }
  return roles;
}
