import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Dialect } from './database.js';

/**
 * LIKE with MLflow's semantics on both databases: `%` and `_` wildcards, backslash escapes them,
 * LIKE is case-sensitive and ILIKE is not. SQLite's LIKE ignores ASCII case, so case-sensitive
 * matching there is a GLOB with the pattern translated.
 */
export function likeExpression(
  dialect: Dialect,
  column: Expression<unknown>,
  comparator: 'LIKE' | 'ILIKE',
  pattern: string,
): RawBuilder<SqlBool> {
  if (dialect === 'postgres') {
    return comparator === 'LIKE'
      ? sql<SqlBool>`${column} LIKE ${pattern}`
      : sql<SqlBool>`${column} ILIKE ${pattern}`;
  }
  if (comparator === 'ILIKE') return sql<SqlBool>`${column} LIKE ${pattern} ESCAPE '\\'`;
  return sql<SqlBool>`${column} GLOB ${likeToGlob(pattern)}`;
}

/** Translates a LIKE pattern (with `\` escapes) into an equivalent SQLite GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      glob += globLiteral(pattern[i + 1] as string);
      i += 1;
    } else if (char === '%') {
      glob += '*';
    } else if (char === '_') {
      glob += '?';
    } else {
      glob += globLiteral(char);
    }
  }
  return glob;
}

function globLiteral(char: string): string {
  return char === '*' || char === '?' || char === '[' ? `[${char}]` : char;
}

/**
 * Text ordered byte by byte on both databases: SQLite compares binary by default; PostgreSQL
 * follows the database locale unless told otherwise, which would order 'Adam' and 'adam'
 * differently from one server to the next.
 */
export function binaryText(dialect: Dialect, column: Expression<unknown>): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`${column} collate "C"` : sql`${column}`;
}
