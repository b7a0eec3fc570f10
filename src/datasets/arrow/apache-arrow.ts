import { createRequire } from 'node:module';
import type * as ApacheArrow from 'apache-arrow';

/**
 * apache-arrow, loaded from one bundled file (bundled/apache-arrow.cjs, written by `npm run build`)
 * rather than from the package's 200-odd ES modules. Node's ES module loader took 110-180 ms to
 * resolve, read and link those on every process that first touched a dataset or evaluation file,
 * and a fresh `assay evaluate` waited for it before scoring its first row; the bundle loads in
 * about 25 ms. It is the same code, not minified, so stack traces and subclassing (see
 * arrow-file-encoder.ts) work as with the package.
 *
 * Every module of Assay takes Arrow's values from here and only its types from 'apache-arrow' (a
 * lint rule holds that): two copies of Arrow in one process would not recognise each other's
 * classes.
 */
// src/ and dist/ sit side by side, so this path is the same from either.
export const arrow = createRequire(import.meta.url)(
  '../../../bundled/apache-arrow.cjs',
) as typeof ApacheArrow;
