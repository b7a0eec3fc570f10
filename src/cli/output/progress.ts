import cliProgress from 'cli-progress';
import type { ProgressReporter } from '../../client/assay-client.js';

/**
 * A progress bar on stderr while a long step runs, only for people at a terminal: scripts (`--json`,
 * pipes) get none.
 */
export function progressBar(
  label: string,
  unit: 'bytes' | 'rows',
  enabled: boolean,
): ProgressReporter & { stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit === 'bytes' ? 'MB' : 'rows'}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const scale = unit === 'bytes' ? 1 / (1024 * 1024) : 1;
  let started = false;
  return {
    update(done, total) {
      const value = Math.round(done * scale * 10) / 10;
      const max = total === null ? value : Math.round(total * scale * 10) / 10;
      if (!started) {
        bar.start(max, value);
        started = true;
      } else {
        bar.setTotal(max);
        bar.update(value);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
