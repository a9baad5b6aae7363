import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates a folder and its missing parents, one level at a time. Node 20's
 * `mkdirSync(…, { recursive: true })` never returns for some paths that cannot be created (it
 * retries for ever under /proc, where mkdir answers ENOENT), so each level is made on its own
 * and the first failure is thrown as it is, with its syscall and path.
 * @param dir the folder wanted
 * @param mode permissions of the folders created
 */
export function makeDir(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!fs.existsSync(at)) {
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d, { mode });
    } catch (e) {
      // Another process may have made it meanwhile; anything else is the caller's to report.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
