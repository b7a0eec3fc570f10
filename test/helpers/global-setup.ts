import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds dist/ and Arrow's bundle once, so process tests run the real `bin/assay.js` as users do,
 * and says up front whether the PostgreSQL half of the suites will run.
 */
export default async function setup(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // Arrow's bundle, which src/ loads as well as dist/.
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle-apache-arrow.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  const { postgres } = await import('./postgres.js');
  if (!postgres.available) {
    process.stderr.write(`\nPostgreSQL suites are skipped: ${postgres.reason}.\n\n`);
  }
}
