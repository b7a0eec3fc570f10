import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** A one-line description of the machine a benchmark ran on. */
export function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memoryGiB = Math.round(os.totalmem() / 1024 ** 3);
  let postgres = 'n/a';
  try {
    postgres = execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // psql is optional
  }
  const kernel = fs.existsSync('/proc/version')
    ? fs.readFileSync('/proc/version', 'utf8').split(' ')[2]
    : os.release();
  return `${os.cpus().length} x ${cpu}, ${memoryGiB} GiB RAM, Linux ${kernel}, Node ${process.version}, ${postgres}`;
}
