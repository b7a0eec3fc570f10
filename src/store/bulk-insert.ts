import { CompiledQuery } from 'kysely';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';

/** Statement texts kept per insert (one per row count seen lately). */
const TEXT_CACHE = 16;

/**
 * A multi-row INSERT for the hot write paths (log-batch, run creation), compiled without the query
 * builder. Building one value node per cell through Kysely cost more CPU than SQLite spent executing
 * these statements; the SQL here is the same on both databases but for placeholders, and its text
 * is cached per row count.
 */
export class BulkInsert {
  private readonly texts = new Map<number, string>();
  private readonly head: string;

  constructor(
    private readonly dialect: Dialect,
    table: string,
    private readonly columns: readonly string[],
    /** e.g. `on conflict (run_uuid, key) do nothing` */
    private readonly conflict = '',
  ) {
    this.head = `insert into ${table} (${columns.join(', ')}) values `;
  }

  /** Inserts `values.length / columns.length` rows; returns how many rows were inserted or updated. */
  async execute(db: Executor, values: readonly unknown[]): Promise<number> {
    const rows = values.length / this.columns.length;
    if (rows === 0) return 0;
    const result = await db.executeQuery(CompiledQuery.raw(this.text(rows), [...values]));
    return Number(result.numAffectedRows ?? 0n);
  }

  private text(rows: number): string {
    let text = this.texts.get(rows);
    if (text === undefined) {
      const width = this.columns.length;
      const tuples: string[] = [];
      for (let row = 0; row < rows; row += 1) {
        const cells: string[] = [];
        for (let column = 0; column < width; column += 1) {
          cells.push(this.dialect === 'postgres' ? `$${row * width + column + 1}` : '?');
        }
        tuples.push(`(${cells.join(', ')})`);
      }
      text = `${this.head}${tuples.join(', ')}${this.conflict ? ` ${this.conflict}` : ''}`;
      if (this.texts.size >= TEXT_CACHE) this.texts.clear();
      this.texts.set(rows, text);
    }
    return text;
  }
}
