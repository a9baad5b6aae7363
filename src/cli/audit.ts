import fs from 'node:fs';
import { loadConfig } from '../config.js';
import { openRuntime } from '../compose.js';
import { ConfigError } from '../errors.js';
import { verifyAccessLog } from '../features/access-log/verify.js';
import { flag } from './args.js';
import { describeDatabase, requireDatabase } from './database.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `tessera audit verify [--subject ID] [--checkpoints FILE]`: walks every access-log chain and
 * checks it against its signed anchors (stored checkpoints, receipts' heads, and checkpoints
 * a person kept, one JWS per line of FILE). Exit 0 with counts, or exit 1 naming the first
 * problem.
 */
export async function auditVerify(args: string[]): Promise<void> {
  const subject = flag(args, '--subject');
  if (args.includes('--subject') && !subject) throw new ConfigError('--subject needs a subject id');
  if (subject !== undefined && !uuid.test(subject)) throw new ConfigError(`--subject "${subject.slice(0, 64)}" is not a subject id (a UUID, as in GET /v1/me)`);
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
  const config = loadConfig();
  requireDatabase(config);
  const runtime = await openRuntime(config);
  try {
    // A person with no entries yet has an empty, intact chain; an id nobody has is a mistake
    // to report, not "intact: 0 entries".
    if (subject !== undefined) {
      const { storage } = runtime.deps;
      const known = (await storage.keys.getWrapped(subject)) !== undefined || (await storage.accessLog.list(subject, { order: 'asc', limit: 1 })).length > 0;
      if (!known) throw new ConfigError(`no person with subject id ${subject} in ${describeDatabase(config)}, and no access log for one`);
    }
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
