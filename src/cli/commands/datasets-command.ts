import { InvalidArgumentError, type Command } from 'commander';
import { withClient } from '../connect.js';
import { UsageError } from '../usage-error.js';
import { globalOptions } from '../global-options.js';
import { datasetListText, datasetText, datasetVersionText } from '../output/dataset-text.js';
import { print } from '../output/print.js';
import { progressBar } from '../output/progress.js';

export function registerDatasetsCommand(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('Immutable, content-addressed versions of tables.');

  datasets
    .command('create')
    .description(
      'Import a CSV, JSONL or Parquet file as a dataset version (the same content twice is the same version).',
    )
    .argument('<name>', 'dataset name')
    .argument('<file>', 'CSV, JSONL or Parquet file')
    .option('--label <column>', 'the label column')
    .option('--id <column>', 'the row id column')
    .option('--slice <name=predicate...>', "a named slice, e.g. 'seniors=age >= 60' (repeatable)")
    .option('--format <format>', 'csv, jsonl or parquet (from the file extension otherwise)', format)
    .action(
      async (
        name: string,
        file: string,
        flags: { label?: string; id?: string; slice?: string[]; format?: 'csv' | 'jsonl' | 'parquet' },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const bar = progressBar(`importing ${file}`, 'bytes', !options.json);
        try {
          const result = await withClient(options, (client) =>
            client.createDataset({
              name,
              file,
              ...(flags.label ? { label: flags.label } : {}),
              ...(flags.id ? { id: flags.id } : {}),
              ...(flags.format ? { format: flags.format } : {}),
              slices: (flags.slice ?? []).map(slice),
              progress: bar,
            }),
          );
          bar.stop();
          print(options, result, (view) => datasetVersionText(view.dataset, view.created));
        } finally {
          bar.stop();
        }
      },
    );

  datasets
    .command('list')
    .description('List datasets.')
    .action(async (_flags: unknown, command: Command) => {
      const options = globalOptions(command);
      print(options, await withClient(options, (client) => client.listDatasets()), datasetListText);
    });

  datasets
    .command('show')
    .description('Show a dataset and its versions (NAME), or one version (NAME@VERSION).')
    .argument('<ref>', 'NAME or NAME@VERSION')
    .action(async (ref: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const [name, selector] = ref.split('@');
      const view = await withClient(options, (client) => client.showDataset(name ?? ref));
      if (selector === undefined) {
        print(options, view, datasetText);
        return;
      }
      const version = view.versions.find((v) => String(v.version) === selector);
      if (!version) throw new UsageError(`dataset ${name} has no version ${selector}`);
      print(options, version, (v) => datasetVersionText(v));
    });
}

function slice(value: string): { name: string; predicate: string } {
  const equals = value.indexOf('=');
  const name = value.slice(0, equals).trim();
  const predicate = value.slice(equals + 1).trim();
  if (equals <= 0 || !predicate || !/^[\w.-]+$/.test(name)) {
    throw new UsageError(`--slice '${value}': expected NAME=PREDICATE, e.g. 'seniors=age >= 60'`);
  }
  return { name, predicate };
}

function format(value: string): 'csv' | 'jsonl' | 'parquet' {
  if (value !== 'csv' && value !== 'jsonl' && value !== 'parquet')
    throw new InvalidArgumentError('expected csv, jsonl or parquet');
  return value;
}
