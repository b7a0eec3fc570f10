import { describe, expect, it } from 'vitest';
import { artifactContentType } from '../../src/artifacts/artifact-content-type.js';

/** Expected values are MLflow 2.10.2's `_guess_mime_type` over Python 3.11's built-in mimetypes table. */
describe('artifactContentType', () => {
  it.each([
    // MLflow's tested cases
    ['a.txt', 'text/plain'],
    ['b.pkl', 'application/octet-stream'],
    ['c.png', 'image/png'],
    ['d.pdf', 'application/pdf'],
    ['MLmodel', 'text/plain'],
    ['mlproject', 'text/plain'],
    // the model directory of client-smoke.jsonl
    ['1/run/artifacts/model/conda.yaml', 'text/plain'],
    ['1/run/artifacts/model/python_env.yaml', 'text/plain'],
    ['1/run/artifacts/model/requirements.txt', 'text/plain'],
    ['1/run/artifacts/model/python_model.pkl', 'application/octet-stream'],
    // the case-sensitive text list, then mimetypes' case-insensitive fallback
    ['MLproject', 'application/octet-stream'],
    ['A.JSON', 'application/json'],
    ['x.XML', 'text/xml'],
    ['x.json', 'text/plain'],
    ['x.log', 'text/plain'],
    ['x.toml', 'text/plain'],
    ['x.md', 'text/plain'],
    ['x.MD', 'application/octet-stream'],
    ['x.Png', 'image/png'],
    ['x.html', 'text/html'],
    ['x.jpg', 'image/jpeg'],
    ['x.svg', 'image/svg+xml'],
    ['x.h5', 'application/x-hdf5'],
    ['x.js', 'text/plain'],
    ['x.mjs', 'application/javascript'],
    // encodings and abbreviations
    ['x.tar.gz', 'application/x-tar'],
    ['x.tgz', 'application/x-tar'],
    ['x.tar.bz2', 'application/x-tar'],
    ['x.gz', 'application/octet-stream'],
    ['x.txt.gz', 'text/plain'],
    // no type known
    ['x.parquet', 'application/octet-stream'],
    ['x.npy', 'application/octet-stream'],
    ['x.onnx', 'application/octet-stream'],
    ['.bashrc', 'application/octet-stream'],
    ['..txt', 'application/octet-stream'],
    ['noextension', 'application/octet-stream'],
    ['trailing.', 'application/octet-stream'],
  ])('%s -> %s', (name, expected) => {
    expect(artifactContentType(name)).toBe(expected);
  });
});
