import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often a checkpoint is considered; the WAL holds at most this much of writing between them. */
const CHECKPOINT_INTERVAL_MS = 250;

// The worker's whole program. It runs as CommonJS from a string, so that it needs no separate file
// (which tsx-run sources and the compiled dist/ would place differently); the path of better-sqlite3
// is resolved here and handed over.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error)); }
    parentPort.postMessage('done');
  } else if (message === 'close') {
    db.close();
    parentPort.close();
  }
});
`;

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT
 * crosses the WAL threshold: it copies pages into the database file and fsyncs, stalling every
 * request for milliseconds. Here the main connection never checkpoints; a worker thread with its
 * own connection does, a few times a second while there are new writes, without blocking writers.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private readonly exited: Promise<void>;
  private running = true;
  private dirty = false;
  private busy = false;

  /** `onWorkerLost`: the worker is gone for good; the caller must checkpoint some other way. */
  constructor(file: string, onWorkerLost: () => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.worker.on('message', (message: string) => {
      if (message === 'done') this.busy = false;
    });
    // A checkpoint that fails is retried at the next tick (the WAL grows meanwhile); a worker that
    // dies is reported through onWorkerLost, once, unless it is being closed.
    this.worker.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        clearInterval(this.timer);
        if (this.running) onWorkerLost();
        this.running = false;
        resolve();
      });
    });
    this.worker.unref();
    this.timer = setInterval(() => this.tick(), CHECKPOINT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Called after each commit. */
  noteWrite(): void {
    this.dirty = true;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.running) {
      this.running = false;
      // Unreferenced, the worker would not keep a process with nothing else to do alive until it
      // exits, and `exited` would never settle: a short-lived CLI would end mid-close.
      this.worker.ref();
      this.worker.postMessage('close');
    }
    await this.exited;
  }

  private tick(): void {
    if (!this.dirty || this.busy) return;
    this.dirty = false;
    this.busy = true;
    this.worker.postMessage('checkpoint');
  }
}
