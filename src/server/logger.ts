import pino from 'pino';
import type { ServerConfig } from '../config/config.js';

/**
 * How many bytes of log lines are gathered before they are written, and how long at most they
 * wait. A serving process logs a line per request: written one by one (pino's default, a
 * synchronous write per line), the lines cost a system call each on the HTTP thread.
 */
const BUFFERED_BYTES = 4096;
const FLUSH_EVERY_MS = 100;

/**
 * The process's structured logger: JSON lines on standard output, `service` in each, written in
 * the background a few kilobytes at a time. Lines still buffered are written out when the process
 * exits (pino flushes an asynchronous destination on exit), or by `flush()` before a stop.
 */
export function createLogger(level: ServerConfig['logLevel'], service: string): pino.Logger {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    minLength: BUFFERED_BYTES,
    periodicFlush: FLUSH_EVERY_MS,
  });
  return pino({ level, base: { service } }, destination);
}
