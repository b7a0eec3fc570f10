import path from 'node:path';

export type StoreLocation =
  | { kind: 'sqlite'; /** absolute path, or ':memory:' */ file: string }
  | { kind: 'postgres'; connectionString: string };

/**
 * Reads a store URI. Accepts Assay's short form `sqlite:PATH` (relative to the working directory),
 * SQLAlchemy's forms that MLflow users already write (`sqlite:///relative.db`, `sqlite:////abs.db`),
 * `sqlite::memory:`, and `postgresql://` / `postgres://` connection strings.
 */
export function parseStoreUri(uri: string, cwd = process.cwd()): StoreLocation {
  // SQLAlchemy driver suffixes (postgresql+psycopg2://) are accepted as MLflow users write them.
  const postgres = /^postgres(?:ql)?(?:\+\w+)?:(?=\/\/)/i;
  if (postgres.test(uri)) {
    return { kind: 'postgres', connectionString: uri.replace(postgres, 'postgresql:') };
  }
  const sqlite = /^sqlite:(.*)$/i.exec(uri);
  if (!sqlite) {
    throw new Error(`unsupported store URI '${uri}': expected sqlite:PATH or postgresql://...`);
  }
  let rest = sqlite[1] ?? '';
  if (rest === ':memory:' || rest === '' || rest === '//' || rest === '///:memory:') {
    return { kind: 'sqlite', file: ':memory:' };
  }
  if (rest.startsWith('///')) {
    // SQLAlchemy: three slashes then the path; a fourth slash makes it absolute.
    rest = rest.slice(3);
  } else if (rest.startsWith('//')) {
    throw new Error(`unsupported store URI '${uri}': use sqlite:PATH or sqlite:///PATH`);
  }
  if (rest === '') throw new Error(`store URI '${uri}' names no database file`);
  return { kind: 'sqlite', file: path.resolve(cwd, rest) };
}

/** The URI with any password replaced, for logs and start-up messages. */
export function redactStoreUri(uri: string): string {
  return uri.replace(/^(\w+(?:\+\w+)?:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
