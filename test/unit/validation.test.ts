import { describe, expect, it } from 'vitest';
import { posixNormpath, validateKeyName } from '../../src/tracking/validation.js';
import { sampledSteps } from '../../src/tracking/step-sampling.js';
import { likeToGlob } from '../../src/store/search-sql.js';
import { appendToUriPath } from '../../src/tracking/runs-service.js';

describe('key names', () => {
  it.each(['acc', 'train/loss', 'a.b-c_d e', 'précision', '数据'])('accepts %s', (key) => {
    expect(() => validateKeyName('metric', key)).not.toThrow();
  });
  it.each([
    ['a:b', 'Names may only contain'],
    ['', "This name would resolve to '.'"],
    ['a//b', "This name would resolve to 'a/b'"],
    ['./a', "This name would resolve to 'a'"],
    ['/a', "This name would resolve to '/a'"],
    ['a/../b', "This name would resolve to 'b'"],
    ['..', "This name would resolve to '..'"],
    ['a/', "This name would resolve to 'a'"],
  ])('refuses %j', (key, message) => {
    expect(() => validateKeyName('metric', key)).toThrow(message);
  });
  it('normalises paths as Python posixpath does', () => {
    expect(posixNormpath('a/./b/../c')).toBe('a/c');
    expect(posixNormpath('../x')).toBe('../x');
    expect(posixNormpath('//a')).toBe('//a');
    expect(posixNormpath('///a')).toBe('/a');
    expect(posixNormpath('/..')).toBe('/');
  });
});

describe('step sampling', () => {
  it('keeps the first step of each equal bucket', () => {
    expect(sampledSteps(0, 999, 100).slice(0, 4)).toEqual([0, 10, 20, 30]);
    expect(sampledSteps(0, 999, 100)).toHaveLength(100);
    expect(sampledSteps(0, 9, 100)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sampledSteps(0, 10, 3)).toEqual([0, 4, 8]);
  });
});

describe('LIKE on SQLite', () => {
  it('translates wildcards and escapes to GLOB', () => {
    expect(likeToGlob('ad%')).toBe('ad*');
    expect(likeToGlob('a_c')).toBe('a?c');
    expect(likeToGlob('50\\%')).toBe('50%');
    expect(likeToGlob('x*y?[z]')).toBe('x[*]y[?][[]z]');
  });
});

describe('artifact URIs', () => {
  it('appends run paths without doubling slashes', () => {
    expect(appendToUriPath('mlflow-artifacts:/1', 'abc', 'artifacts')).toBe(
      'mlflow-artifacts:/1/abc/artifacts',
    );
    expect(appendToUriPath('s3://bucket/root/', 'abc', 'artifacts')).toBe('s3://bucket/root/abc/artifacts');
    expect(appendToUriPath('http://h/x?token=1', 'abc')).toBe('http://h/x/abc?token=1');
  });
});

describe('run ids', () => {
  it('are 32 lowercase hex characters, ordered by creation time, and unique', async () => {
    const { newRunId } = await import('../../src/tracking/run-id.js');
    const early = newRunId(1_700_000_000_000);
    const late = newRunId(1_700_000_000_001);
    expect(early).toMatch(/^[0-9a-f]{32}$/);
    expect(early < late).toBe(true);
    const many = new Set(Array.from({ length: 10_000 }, () => newRunId(1_700_000_000_000)));
    expect(many.size).toBe(10_000);
  });
});
