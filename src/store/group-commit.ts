import { CompiledQuery, type Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Executor } from './executor.js';

interface PendingWrite {
  readonly work: (trx: Executor) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const SAVEPOINT = CompiledQuery.raw('savepoint group_write');
const RELEASE = CompiledQuery.raw('release savepoint group_write');
const ROLLBACK = CompiledQuery.raw('rollback to savepoint group_write');

/** Writes per shared transaction: enough to amortise a commit, few enough to keep reads waiting briefly. */
const MAX_GROUP = 64;

/**
 * Group commit for SQLite. SQLite has one writer and each COMMIT costs a WAL append (and, every
 * thousand pages, a checkpoint with fsync), so under concurrent load most of a small write's cost is
 * its commit. Writes that arrive while a transaction is running are queued and then run together in
 * the next one, each inside its own SAVEPOINT: a write that fails rolls back alone and rejects, the
 * others commit. Every write is acknowledged only after the COMMIT that made it durable. A lone
 * write waits one event-loop turn (microseconds) before it starts.
 */
export class GroupCommit {
  private readonly queue: PendingWrite[] = [];
  private draining = false;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly onCommit: () => void,
  ) {}

  run<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // better-sqlite3 is synchronous: a group runs to its COMMIT within one turn of the event
        // loop, so no other request could join it. Yielding once lets requests already waiting on
        // their sockets reach their own write first and share this commit.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, MAX_GROUP);
        await this.commitGroup(group);
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(group: readonly PendingWrite[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const write of group) {
          await trx.executeQuery(SAVEPOINT);
          try {
            const value = await write.work(trx);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await trx.executeQuery(ROLLBACK);
            await trx.executeQuery(RELEASE);
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      // The COMMIT itself failed (disk full, I/O error): nothing of the group is durable.
      for (const write of group) write.reject(error);
      return;
    }
    this.onCommit();
    group.forEach((write, index) => {
      const outcome = outcomes[index] as { ok: boolean; value: unknown };
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }
}
