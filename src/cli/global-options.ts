import type { Command } from 'commander';

export interface GlobalOptions {
  /** A running server to talk to; absent: the embedded store in ./assay-data. */
  readonly uri?: string;
  readonly json: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ uri?: string; json?: boolean }>();
  const uri = options.uri ?? process.env.ASSAY_URI;
  return { ...(uri ? { uri } : {}), json: options.json === true };
}
