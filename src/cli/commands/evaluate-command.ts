import type { Command } from 'commander';
import { withClient } from '../connect.js';
import { globalOptions } from '../global-options.js';
import { evaluationText } from '../output/evaluation-text.js';
import { print } from '../output/print.js';
import { progressBar } from '../output/progress.js';

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description(
      "Run a model version over a dataset: every row's outputs are stored, metrics computed overall and per slice.",
    )
    .argument('<model>', 'NAME@VERSION or NAME@ALIAS')
    .argument('<dataset>', 'NAME or NAME@VERSION')
    .option('--where <expr>', 'only rows matching, e.g. "split = \'eval\'"')
    .action(async (model: string, dataset: string, flags: { where?: string }, command: Command) => {
      const options = globalOptions(command);
      const bar = progressBar(`evaluating ${model}`, 'rows', !options.json);
      try {
        const view = await withClient(options, (client) =>
          client.evaluate({ model, dataset, ...(flags.where ? { where: flags.where } : {}), progress: bar }),
        );
        bar.stop();
        print(options, view, evaluationText);
      } finally {
        bar.stop();
      }
    });
}
