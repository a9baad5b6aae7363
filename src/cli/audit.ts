import { loadConfig } from '../config.js';
import { openRuntime } from '../compose.js';
import { ConfigError } from '../errors.js';
import { verifyAccessLog } from '../features/access-log/verify.js';
import { flag } from './args.js';

/**
 * `tessera audit verify [--subject ID]`: walks every access-log chain. Exit 0 with a count, or
 * exit 1 naming the first broken entry.
 */
export async function auditVerify(args: string[]): Promise<void> {
  const subject = flag(args, '--subject');
  if (args.includes('--subject') && !subject) throw new ConfigError('--subject needs a subject id');
  const runtime = await openRuntime(loadConfig());
  try {
    const report = await verifyAccessLog(runtime.deps, subject);
    if (report.broken) {
      const b = report.broken;
      process.stderr.write(`access log BROKEN: subject ${b.subjectId}, entry ${b.id} (position ${b.seq}) does not match its chain\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`access log intact: ${report.entries} entries in ${report.subjects} chain(s)\n`);
  } finally {
    await runtime.close();
  }
}
