import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread alone (its nice value, at least `nice`), on
 * Linux, where each thread has its own: `os.setPriority` given a thread's id sets that thread's.
 * Elsewhere it does nothing and returns false.
 *
 * For background threads whose work comes in bursts (the prediction log's: a flush encodes and
 * indexes thousands of rows at once): on a machine with few cores, a burst at normal priority takes
 * a core from the HTTP and inference threads every flush, and serving slows far more than the
 * burst's average CPU. At a lower priority the burst runs in what they leave.
 */
export function lowerThisThreadPriority(nice = 10): boolean {
  let tid: number;
  try {
    // '/proc/thread-self' links to '/proc/PID/task/TID' for the thread that reads it.
    tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(tid) || tid <= 0) return false;
  try {
    if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
