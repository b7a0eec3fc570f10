import type { GlobalOptions } from '../global-options.js';

/** One JSON object for scripts (`--json`), or text for people. */
export function print<T>(options: GlobalOptions, view: T, human: (view: T) => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(view)}\n` : `${human(view).replace(/\n+$/, '')}\n`);
}
