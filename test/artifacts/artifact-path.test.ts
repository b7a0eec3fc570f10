import { describe, expect, it } from 'vitest';
import { joinArtifactPath, normalizeArtifactPath } from '../../src/artifacts/artifact-path.js';
import { InvalidParameterError } from '../../src/errors/assay-error.js';

/** `..` percent-encoded `times` times over. */
function encodeTimes(value: string, times: number): string {
  let encoded = value;
  for (let round = 0; round < times; round += 1) {
    encoded = encoded.replace(
      /[^A-Za-z0-9_-]/g,
      (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
  }
  return encoded;
}

describe('normalizeArtifactPath', () => {
  it.each([
    ['', ''],
    ['path', 'path'],
    ['path/', 'path'],
    ['path/to/file', 'path/to/file'],
    ['./a', 'a'],
    ['a/./b', 'a/b'],
    ['a//b///c', 'a/b/c'],
    ['...', '...'],
    ['a/.../b', 'a/.../b'],
    ['..a/b..', '..a/b..'],
    [
      '1/48c7a81866c44376afe2d95756fc5c61/artifacts/model/MLmodel',
      '1/48c7a81866c44376afe2d95756fc5c61/artifacts/model/MLmodel',
    ],
    ['name with spaces.txt', 'name with spaces.txt'],
    ['模型/权重.bin', '模型/权重.bin'],
    ['~user/x', '~user/x'],
    ['ab:c', 'ab:c'],
    ['run/2024-01-01T10:00:00.json', 'run/2024-01-01T10:00:00.json'],
    // MLflow uses the fully decoded value: a%2520b names `a b`.
    ['a%2520b', 'a b'],
    ['a%2Fb', 'a/b'],
    ['100%', '100%'],
    ['50%zz', '50%zz'],
  ])('accepts %j as %j', (raw, expected) => {
    expect(normalizeArtifactPath(raw)).toBe(expected);
  });

  const refused: [string, string][] = [
    ['parent', '..'],
    ['parent then name', '../path'],
    ['two parents', '../../path'],
    ['dot then parent', './../path'],
    ['parent in the middle', 'path/../to/file'],
    ['climbing out from a subdirectory', 'a/../../x'],
    ['trailing parent', 'a/..'],
    ['absolute', '/path'],
    ['absolute passwd', '/etc/passwd'],
    ['absolute with encoded NUL', '/etc/passwd%00.jpg'],
    ['absolute file URI', '/file://etc/passwd'],
    ['file URI with fragment', 'file://a#/..//tmp'],
    ['file URI with encoded fragment', 'file://a%23/..//tmp/'],
    ['encoded parent and slash', '%2e%2e%2fpath'],
    ['upper-case encoded parent and slash', '%2E%2E%2Fpath'],
    ['two encoded parents', '%2E%2E%2F%2E%2E%2Fpath'],
    ['encoded dots, plain slash', '%2E%2E/x'],
    ['plain dots, encoded slash', '..%2fx'],
    ['half-encoded dots', '.%2e/x'],
    ['double-encoded', '%252e%252e%252fx'],
    ['triple-encoded', '%25252e%25252e%25252fx'],
    ['encoded parent next to a malformed escape', '%2e%2e%2f%zz'],
    ['encoded leading slash', '%2Fetc%2Fpasswd'],
    ['backslash parents', '..\\..\\x'],
    ['backslash', 'a\\b'],
    ['encoded backslash', '..%5cx'],
    ['NUL', 'a\0b'],
    ['encoded NUL', 'a%00b'],
    ['control character', 'a\nb'],
    ['encoded control character', 'a%0d%0aSet-Cookie:x'],
    ['DEL', 'a\u007fb'],
    ['Windows drive with slash', 'C:/x'],
    ['Windows drive with backslash', 'C:\\x'],
    ['Windows drive, encoded backslash', 'C:%5cx'],
    ['lower-case drive letter', 'c:/x'],
    // Drive-relative on Windows; MLflow allows it on Linux, Assay refuses it everywhere.
    ['drive-relative', 'a:b'],
    ['UNC path', '\\\\server\\share\\x'],
    ['fragment', 'a#b'],
    ['encoded fragment', 'a%23/../../x'],
    ['parent encoded ten times', encodeTimes('../x', 10)],
    ['still changing after ten rounds', encodeTimes('x y', 11)],
  ];

  it.each(refused)('refuses %s (%j) with 400 "Invalid path"', (_name, raw) => {
    let thrown: unknown;
    try {
      normalizeArtifactPath(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidParameterError);
    expect(thrown).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      httpStatus: 400,
      message: 'Invalid path',
    });
  });

  it('decodes as often as needed below the limit', () => {
    expect(normalizeArtifactPath(encodeTimes('a b', 9))).toBe('a b');
  });

  it('decodes malformed UTF-8 to replacement characters instead of throwing', () => {
    expect(normalizeArtifactPath('%c0%ae%c0%ae/x')).toBe('\ufffd\ufffd\ufffd\ufffd/x');
  });
});

describe('joinArtifactPath', () => {
  it('joins non-empty parts with "/"', () => {
    expect(joinArtifactPath('', '1/run/artifacts', '', 'model')).toBe('1/run/artifacts/model');
    expect(joinArtifactPath('', '')).toBe('');
  });
});
