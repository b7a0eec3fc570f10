import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../src/util/thread-priority.ts', import.meta.url));

/**
 * In a process of its own (a nice value, once raised, cannot be lowered again without privileges):
 * a worker thread lowers its own priority; the process's other threads keep theirs.
 */
function run(): { lowered: boolean; worker: number; main: number; again: boolean; after: number } {
  const script = `
    import os from 'node:os';
    import fs from 'node:fs';
    import { Worker } from 'node:worker_threads';
    const source = ${JSON.stringify(`
      // A worker thread loads TypeScript only once it registers tsx itself.
      const { register } = await import('tsx/esm/api');
      register();
      const { parentPort } = await import('node:worker_threads');
      const fs = await import('node:fs');
      const os = await import('node:os');
      const { lowerThisThreadPriority } = await import(${JSON.stringify(MODULE)});
      const lowered = lowerThisThreadPriority(7);
      const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
      const worker = os.getPriority(tid);
      // Asking for less than it has already leaves it as it is.
      const again = lowerThisThreadPriority(3);
      parentPort.postMessage({ lowered, worker, again, after: os.getPriority(tid) });
    `)};
    const worker = new Worker(source, { eval: true });
    worker.once('message', (result) => {
      console.log(JSON.stringify({ ...result, main: os.getPriority(process.pid) }));
      void worker.terminate();
    });
  `;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop() as string) as ReturnType<typeof run>;
}

describe('lowerThisThreadPriority', () => {
  it.skipIf(!fs.existsSync('/proc/thread-self'))(
    "lowers the calling thread's priority alone, never raising it back",
    () => {
      const result = run();
      expect(result.lowered).toBe(true);
      expect(result.worker).toBe(7);
      expect(result.again).toBe(true);
      expect(result.after).toBe(7);
      expect(result.main).toBe(0);
    },
  );
});
