import { Command, CommanderError } from 'commander';
import { ASSAY_VERSION } from '../version.js';
import { registerContractsCommand } from './commands/contracts-command.js';
import { registerDatasetsCommand } from './commands/datasets-command.js';
import { registerDeploymentsCommand } from './commands/deployments-command.js';
import { registerDiffCommand } from './commands/diff-command.js';
import { registerEvaluateCommand } from './commands/evaluate-command.js';
import { registerModelsCommand } from './commands/models-command.js';
import { registerPredictionsCommand } from './commands/predictions-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerServerCommand } from './commands/server-command.js';
import { UsageError } from './usage-error.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('assay')
    .description('Assay: an operational ML platform that speaks MLflow.')
    .version(ASSAY_VERSION)
    .option(
      '--uri <url>',
      'a running Assay server (env ASSAY_URI); otherwise the embedded store in ./assay-data',
    )
    .option('--json', 'print one JSON object (for scripts)')
    .showHelpAfterError()
    .exitOverride();
  registerServerCommand(program);
  registerServeCommand(program);
  registerDeploymentsCommand(program);
  registerPredictionsCommand(program);
  registerModelsCommand(program);
  registerDatasetsCommand(program);
  registerEvaluateCommand(program);
  registerDiffCommand(program);
  registerContractsCommand(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** The `assay` command line. Errors print one line and set a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed its own message (or help) already.
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`assay: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
