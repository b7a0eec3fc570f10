import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { Executor } from './executor.js';

interface PendingWrite {
  readonly work: (trx: Executor) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Writes per shared transaction: enough to amortise a commit, few enough to keep reads waiting briefly. */
const MAX_GROUP = 64;

/**
 * Group commit for SQLite. SQLite has one writer and each COMMIT costs a WAL append (and, every
 * thousand pages, a checkpoint with fsync), so under concurrent load most of a small write's cost is
 * its commit. Writes that arrive while a transaction is running are queued and then run together in
 * the next one, each inside its own SAVEPOINT: a write that fails rolls back alone and rejects, the
 * others commit. Every write is acknowledged only after the COMMIT that made it durable; nothing
 * is delayed when the server is idle (a lone write runs at once, in a group of one).
 */
export class GroupCommit {
  private readonly queue: PendingWrite[] = [];
  private draining = false;

  constructor(private readonly db: Kysely<Schema>) {}

  run<T>(work: (trx: Executor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
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
          await sql`savepoint group_write`.execute(trx);
          try {
            const value = await write.work(trx);
            await sql`release savepoint group_write`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to savepoint group_write`.execute(trx);
            await sql`release savepoint group_write`.execute(trx);
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      // The COMMIT itself failed (disk full, I/O error): nothing of the group is durable.
      for (const write of group) write.reject(error);
      return;
    }
    group.forEach((write, index) => {
      const outcome = outcomes[index] as { ok: boolean; value: unknown };
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }
}
