import { parseServerConfig } from '../config/config.js';
import { holdHeapFloor } from '../server/heap-floor.js';
import { main } from './main.js';

/** The command `args` name (what follows `assay` and its global options), or null. */
function commandOf(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--uri') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return null;
}

// A serving process holds its heap floor first, before anything it does grows the heap: held
// once the command has started instead, it did not keep V8 from its full collections (see
// heap-floor.ts). A bad setting is left for the command, which reports it the usual way.
const command = commandOf(process.argv.slice(2));
if (command === 'serve' || command === 'server') {
  try {
    holdHeapFloor(parseServerConfig(process.env).heapFloorMb);
  } catch {
    // reported by the command
  }
}

// The process entry point behind bin/assay.js: one line on failure, never a stack trace.
main(process.argv).catch((error: unknown) => {
  process.stderr.write(`assay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
