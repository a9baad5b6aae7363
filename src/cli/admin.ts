import { loadConfig } from '../config.js';
import { openRuntime } from '../compose.js';
import { ConfigError, TesseraError, ValidationError } from '../errors.js';
import { createStaffAccount } from '../features/accounts/service.js';
import { flag } from './args.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `tessera admin create --handle H --password-stdin`: an operator account. Safe while serving. */
export async function adminCreate(args: string[]): Promise<void> {
  const handle = flag(args, '--handle');
  if (!handle) throw new ConfigError('admin create needs --handle H');
  if (!args.includes('--password-stdin')) throw new ConfigError('admin create reads the password from stdin: pass --password-stdin');
  // One trailing newline is what `echo` or a heredoc adds; it is not part of the password.
  const password = (await readStdin()).replace(/\r?\n$/, '');
  const runtime = await openRuntime(loadConfig());
  try {
    const account = await createStaffAccount(runtime.deps, 'admin', { handle, password, displayName: `Operator ${handle}` });
    process.stdout.write(`admin ${account.handle} created (accountId ${account.id})\n`);
  } catch (e) {
    if (e instanceof ValidationError) throw new ConfigError(e.errors.map((f) => `${f.field} ${f.detail}`).join('; '));
    if (e instanceof TesseraError) throw new ConfigError(e.message);
    throw e;
  } finally {
    await runtime.close();
  }
}
