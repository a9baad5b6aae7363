import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './process.js';

/** Writes a suite's figures to reports/NAME (gitignored), for CI artefacts and the README. */
export function writeReport(name: string, data: unknown): string {
  const dir = path.join(repoRoot, 'reports');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}
