import { Command, CommanderError } from 'commander';
import { ASSAY_VERSION } from '../version.js';
import { registerServerCommand } from './commands/server-command.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('assay')
    .description('Assay: an operational ML platform that speaks MLflow.')
    .version(ASSAY_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerServerCommand(program);
  return program;
}

/** The `assay` command line. Errors print one line and set a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}
