import { InvalidArgumentError, type Command } from 'commander';
import { withClient } from '../connect.js';
import { globalOptions } from '../global-options.js';
import { diffText } from '../output/diff-text.js';
import { print } from '../output/print.js';

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'What changed between two versions on a dataset, row by row (evaluating either first if needed).',
    )
    .argument('<a>', 'the old version: NAME@VERSION or NAME@ALIAS')
    .argument('<b>', 'the new version: NAME@VERSION or NAME@ALIAS')
    .requiredOption('--dataset <dataset>', 'NAME or NAME@VERSION')
    .option('--where <expr>', 'only rows matching')
    .option('--threshold <t...>', 'decision thresholds to count crossings at (default 0.5 0.7 0.9)', numbers)
    .option('--top <n>', 'how many of the rows that moved most to show', count, 20)
    .action(
      async (
        a: string,
        b: string,
        flags: { dataset: string; where?: string; threshold?: number[]; top: number },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const view = await withClient(options, (client) =>
          client.diff({
            a,
            b,
            dataset: flags.dataset,
            ...(flags.where ? { where: flags.where } : {}),
            ...(flags.threshold ? { thresholds: flags.threshold } : {}),
            top: flags.top,
          }),
        );
        print(options, view, diffText);
      },
    );
}

function numbers(value: string, previous: number[] = []): number[] {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError(`'${value}' is not a threshold between 0 and 1`);
  return [...previous, parsed];
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}
