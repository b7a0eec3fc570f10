import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { withClient } from '../connect.js';
import { globalOptions } from '../global-options.js';
import { checkText, contractText } from '../output/check-text.js';
import { print } from '../output/print.js';

export function registerContractsCommand(program: Command): void {
  const contracts = program
    .command('contracts')
    .description("A model's contract: the behaviour its consumers rely on.");

  contracts
    .command('set')
    .description("Set (a new version of) a model's contract from a YAML file.")
    .argument('<name>', 'registered model name')
    .argument('<file>', 'contract YAML')
    .action(async (name: string, file: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const source = await fs.readFile(file, 'utf8');
      print(options, await withClient(options, (client) => client.setContract(name, source)), contractText);
    });

  contracts
    .command('show')
    .description("Show a model's current contract.")
    .argument('<name>', 'registered model name')
    .action(async (name: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      print(options, await withClient(options, (client) => client.showContract(name)), contractText);
    });

  program
    .command('check')
    .description(
      "Check a version against its model's contract: identical, compatible or incompatible (exit code 1).",
    )
    .argument('<ref>', 'NAME@VERSION or NAME@ALIAS')
    .action(async (ref: string, _flags: unknown, command: Command) => {
      const options = globalOptions(command);
      const view = await withClient(options, (client) => client.check(ref));
      print(options, view, checkText);
      if (view.verdict === 'incompatible') process.exitCode = 1;
    });
}
