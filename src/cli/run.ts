import { main } from './main.js';

// The process entry point behind bin/assay.js: one line on failure, never a stack trace.
main(process.argv).catch((error: unknown) => {
  process.stderr.write(`assay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
