import { describe, expect, it } from 'vitest';
import { ConfigError, parseServerConfig } from '../../src/config/config.js';
import { parseStoreUri, redactStoreUri } from '../../src/store/store-uri.js';

describe('server configuration', () => {
  it('has embedded defaults', () => {
    expect(parseServerConfig({})).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      store: 'sqlite:./assay-data/assay.db',
      artifacts: './assay-data/artifacts',
      logLevel: 'info',
    });
  });

  it('merges defaults < environment < flags', () => {
    const env = {
      ASSAY_HOST: '0.0.0.0',
      ASSAY_PORT: '6000',
      ASSAY_STORE: 'sqlite:env.db',
      ASSAY_LOG_LEVEL: 'debug',
    };
    expect(parseServerConfig(env)).toMatchObject({
      host: '0.0.0.0',
      port: 6000,
      store: 'sqlite:env.db',
      logLevel: 'debug',
    });
    expect(parseServerConfig(env, { port: '7000', store: undefined })).toMatchObject({
      port: 7000,
      store: 'sqlite:env.db',
    });
  });

  it('takes the serving heap floor in megabytes, 32 by default and 0 for none', () => {
    expect(parseServerConfig({}).heapFloorMb).toBe(32);
    expect(parseServerConfig({ ASSAY_HEAP_FLOOR_MB: '0' }).heapFloorMb).toBe(0);
    expect(() => parseServerConfig({ ASSAY_HEAP_FLOOR_MB: '-1' })).toThrow(
      /heapFloorMb \(ASSAY_HEAP_FLOOR_MB\)/,
    );
  });

  it('names the setting and its variable when a value is bad', () => {
    expect(() => parseServerConfig({ ASSAY_PORT: '70000' })).toThrow(ConfigError);
    expect(() => parseServerConfig({ ASSAY_PORT: '70000' })).toThrow(/port \(ASSAY_PORT\)/);
    expect(() => parseServerConfig({}, { logLevel: 'loud' })).toThrow(/logLevel \(ASSAY_LOG_LEVEL\)/);
  });
});

describe('store URIs', () => {
  it('reads Assay, SQLAlchemy and PostgreSQL forms', () => {
    expect(parseStoreUri('sqlite:./data/a.db', '/work')).toEqual({ kind: 'sqlite', file: '/work/data/a.db' });
    expect(parseStoreUri('sqlite:///rel.db', '/work')).toEqual({ kind: 'sqlite', file: '/work/rel.db' });
    expect(parseStoreUri('sqlite:////abs/x.db', '/work')).toEqual({ kind: 'sqlite', file: '/abs/x.db' });
    expect(parseStoreUri('sqlite::memory:')).toEqual({ kind: 'sqlite', file: ':memory:' });
    expect(parseStoreUri('postgresql://u:p@h:5432/db')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://u:p@h:5432/db',
    });
    expect(parseStoreUri('postgres://h/db')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://h/db',
    });
    expect(parseStoreUri('postgresql+psycopg2://h/db')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://h/db',
    });
  });

  it('refuses other schemes and hides passwords in logs', () => {
    expect(() => parseStoreUri('mysql://h/db')).toThrow("unsupported store URI 'mysql://h/db'");
    expect(redactStoreUri('postgresql://user:secret@host/db')).toBe('postgresql://user:***@host/db');
  });
});
