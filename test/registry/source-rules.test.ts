import { describe, expect, it } from 'vitest';
import { validateModelSource } from '../../src/registry/model-source.js';
import { parseModelsUri } from '../../src/registry/models-uri.js';
import { pythonUnquote, pythonUrlParse } from '../../src/registry/python-url.js';
import { parseVersion, validateAlias } from '../../src/registry/validation.js';

describe('registry rules that need no store', () => {
  it('parses URLs the way Python urlparse does', () => {
    expect(pythonUrlParse('mlflow-artifacts://host:9000/models/x?q=1#f')).toEqual({
      scheme: 'mlflow-artifacts',
      netloc: 'host:9000',
      path: '/models/x',
      hostname: 'host',
    });
    expect(pythonUrlParse('S3://Bucket/a').scheme).toBe('s3');
    expect(pythonUrlParse('/tmp/x').scheme).toBe('');
    expect(pythonUrlParse('./m:x').scheme).toBe('');
    expect(pythonUrlParse('file://user@LocalHost:1/x').hostname).toBe('localhost');
    // `;params` only split for schemes that use them, and only after the last slash.
    expect(pythonUrlParse('http://h/a/..;x').path).toBe('/a/..');
    expect(pythonUrlParse('s3://h/a/..;x').path).toBe('/a/..;x');
    expect(pythonUrlParse('models:/m/1#x', false).path).toBe('/m/1#x');
  });

  it('unquotes like Python: bad escapes kept, bytes decoded as UTF-8', () => {
    expect(pythonUnquote('a%2Fb%zz%')).toBe('a/b%zz%');
    expect(pythonUnquote('%C3%BC-ü')).toBe('ü-ü');
    expect(pythonUnquote('%FF')).toBe('\uFFFD');
  });

  it('reads models:/ URIs as MLflow does', () => {
    expect(parseModelsUri('models:/m/3')).toEqual({ name: 'm', version: '3' });
    expect(parseModelsUri('models:/m/Production')).toEqual({ name: 'm', stage: 'Production' });
    expect(parseModelsUri('models:/m/LATEST')).toEqual({ name: 'm' });
    expect(parseModelsUri('models:/m@champ')).toEqual({ name: 'm', alias: 'champ' });
    for (const bad of ['models:/', 'models:m/1', 'models:/m/1/2', 'models:/m/ ', 'models:/m', 'models:/m@']) {
      expect(() => parseModelsUri(bad), bad).toThrow(/^Not a proper models:\/ URI/);
    }
  });

  it('checks versions and aliases with MLflow messages', () => {
    expect(parseVersion(' 1_0 ')).toBe(10);
    expect(parseVersion('-2')).toBe(-2);
    expect(() => parseVersion('1.0')).toThrow("Model version must be an integer, got '1.0'");
    expect(() => parseVersion('')).toThrow("Model version must be an integer, got ''");
    expect(() => validateAlias('')).toThrow('Registered model alias name cannot be empty.');
    expect(() => validateAlias('v٣')).toThrow("Version alias name 'v٣' is reserved.");
    expect(() => validateAlias('a b')).toThrow("Invalid alias name: 'a b'.");
  });

  it('looks a run up only for local sources', async () => {
    const lookups: string[] = [];
    const runArtifactUri = async (runId: string) => {
      lookups.push(runId);
      return '/srv/artifacts/run/artifacts';
    };
    await validateModelSource('s3://bucket/model', 'r1', runArtifactUri);
    expect(lookups).toEqual([]);
    await validateModelSource('/srv/artifacts/run/artifacts/model', 'r2', runArtifactUri);
    await validateModelSource('file:///srv/artifacts/run/artifacts', 'r3', runArtifactUri);
    await expect(
      validateModelSource('/srv/artifacts/run/artifacts-2/model', 'r4', runArtifactUri),
    ).rejects.toThrow(
      "Invalid model version source: '/srv/artifacts/run/artifacts-2/model'. To use a local path",
    );
    expect(lookups).toEqual(['r2', 'r3', 'r4']);
    await expect(validateModelSource('model', '', runArtifactUri)).rejects.toThrow(
      "Invalid model version source: 'model'.",
    );
  });
});
