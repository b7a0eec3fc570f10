import { InvalidArgumentError, type Command } from 'commander';
import type { LoggedPrediction } from '../../serving/prediction-log/prediction-log.js';
import { withClient } from '../connect.js';
import { globalOptions, type GlobalOptions } from '../global-options.js';
import { print } from '../output/print.js';
import { predictionsText } from '../output/prediction-text.js';

/** How often `tail --follow` asks for new predictions. */
const FOLLOW_EVERY_MS = 1000;

export function registerPredictionsCommand(program: Command): void {
  const predictions = program
    .command('predictions')
    .description('The prediction log: what served models answered, with labels joined by id.');

  predictions
    .command('query')
    .description('Logged predictions of a deployment, oldest first.')
    .argument('<deployment>', 'the served name')
    .option('--from <time>', 'from this time (ISO 8601 or epoch ms)', time)
    .option('--to <time>', 'up to this time (ISO 8601 or epoch ms)', time)
    .option('--version <n>', 'only this model version', positive)
    .option('--limit <n>', 'at most this many (default 1000)', positive)
    .action(
      async (
        deployment: string,
        flags: { from?: number; to?: number; version?: number; limit?: number },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const found = await withClient(options, (client) => client.predictions({ deployment, ...flags }));
        printPredictions(options, found);
      },
    );

  predictions
    .command('tail')
    .description('The last predictions of a deployment; --follow keeps printing new ones.')
    .argument('<deployment>', 'the served name')
    .option('-n, --lines <n>', 'how many (default 20)', positive)
    .option('-f, --follow', 'keep printing predictions as they are logged (Ctrl-C stops)')
    .action(async (deployment: string, flags: { lines?: number; follow?: boolean }, command: Command) => {
      const options = globalOptions(command);
      await withClient(options, async (client) => {
        const last = await client.predictions({ deployment, limit: flags.lines ?? 20, latest: true });
        printLines(options, last);
        if (!flags.follow) return;
        // Predictions logged since the last one shown; those of its very millisecond already shown are skipped.
        let since = last.at(-1)?.time;
        let shown = new Set(last.filter((p) => p.time === since).map((p) => p.id));
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
          const page = await client.predictions({
            deployment,
            limit: 10_000,
            ...(since === undefined ? {} : { from: since }),
          });
          const fresh = page.filter((p) => !shown.has(p.id));
          if (fresh.length === 0) continue;
          printLines(options, fresh);
          since = fresh.at(-1)?.time;
          shown = new Set(fresh.filter((p) => p.time === since).map((p) => p.id));
        }
      });
    });
}

/** `--json`: one object, `{"predictions": [...]}`. */
function printPredictions(options: GlobalOptions, predictions: readonly LoggedPrediction[]): void {
  print(options, { predictions }, (view) => predictionsText(view.predictions));
}

/** `tail --json`: one prediction per line, so that a follower reads them as they come. */
function printLines(options: GlobalOptions, predictions: readonly LoggedPrediction[]): void {
  if (!options.json) return printPredictions(options, predictions);
  for (const prediction of predictions) process.stdout.write(`${JSON.stringify(prediction)}\n`);
}

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

function time(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value))
    throw new InvalidArgumentError('must be an ISO 8601 time or epoch milliseconds');
  return value;
}
