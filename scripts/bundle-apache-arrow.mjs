// Bundles apache-arrow into one CommonJS file, bundled/apache-arrow.cjs, which Assay loads instead
// of the package's ES modules (src/datasets/arrow/apache-arrow.ts says why). Run by `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const arrowPackage = JSON.parse(
  fs.readFileSync(path.join(root, 'node_modules/apache-arrow/package.json'), 'utf8'),
);

await build({
  stdin: { contents: "export * from 'apache-arrow';", resolveDir: root, loader: 'js' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: path.join(root, 'bundled/apache-arrow.cjs'),
  banner: {
    js: `// apache-arrow ${arrowPackage.version}, bundled by scripts/bundle-apache-arrow.mjs. Apache License 2.0: see node_modules/apache-arrow/LICENSE.txt.`,
  },
  logLevel: 'warning',
});
