import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Every file and directory under `dir` except the artifact root and the metadata store's own files,
 * with a hash of each file: equal snapshots mean nothing outside the root was written, created or
 * deleted.
 */
export async function snapshotOutside(dir: string, artifactsDir: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const absolute = path.join(entry.parentPath, entry.name);
    if (absolute === artifactsDir || absolute.startsWith(artifactsDir + path.sep)) continue;
    if (/^assay\.db/.test(entry.name)) continue;
    const relative = path.relative(dir, absolute);
    if (entry.isSymbolicLink()) snapshot[relative] = `link:${await fs.readlink(absolute)}`;
    else if (entry.isDirectory()) snapshot[relative] = 'dir';
    else
      snapshot[relative] = createHash('sha256')
        .update(await fs.readFile(absolute))
        .digest('hex');
  }
  return snapshot;
}
