import fs from 'node:fs';
import { loadConfig } from '../config.js';
import { openRuntime } from '../compose.js';
import { ConfigError } from '../errors.js';
import { verifyAccessLog } from '../features/access-log/verify.js';
import { flag } from './args.js';

/**
 * `tessera audit verify [--subject ID] [--checkpoints FILE]`: walks every access-log chain and
 * checks it against its signed anchors (stored checkpoints, receipts' heads, and checkpoints
 * a person kept, one JWS per line of FILE). Exit 0 with counts, or exit 1 naming the first
 * problem.
 */
export async function auditVerify(args: string[]): Promise<void> {
  const subject = flag(args, '--subject');
  if (args.includes('--subject') && !subject) throw new ConfigError('--subject needs a subject id');
  const keptFile = flag(args, '--checkpoints');
  if (args.includes('--checkpoints') && !keptFile) throw new ConfigError('--checkpoints needs a file of checkpoint JWSs, one per line');
  let kept: string[] = [];
  if (keptFile) {
    try {
      kept = fs
        .readFileSync(keptFile, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
    } catch (e) {
      throw new ConfigError(`--checkpoints ${keptFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const runtime = await openRuntime(loadConfig());
  try {
    const report = await verifyAccessLog(runtime.deps, subject, kept);
    if (report.broken) {
      const b = report.broken;
      const entry = b.id ? `entry ${b.id} (position ${b.seq})` : `position ${b.seq}`;
      process.stderr.write(`access log BROKEN: subject ${b.subjectId}, ${entry}: ${b.reason}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`access log intact: ${report.entries} entries in ${report.subjects} chain(s), ${report.anchors} signed anchor(s) reached\n`);
  } finally {
    await runtime.close();
  }
}
