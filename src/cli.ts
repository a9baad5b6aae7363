#!/usr/bin/env node
import { adminCreate } from './cli/admin.js';
import { auditVerify } from './cli/audit.js';
import { backup, restore } from './cli/backup.js';
import { keysGenerate, keysRetire, keysRotate } from './cli/keys.js';
import { migrate } from './cli/migrate.js';
import { serve } from './cli/serve.js';
import { ConfigError } from './errors.js';

const usage = `usage: tessera <command>

  serve                                   run the HTTP service
  migrate                                 apply database migrations
  admin create --handle H --password-stdin
                                          create an operator account
  keys generate                           print a new keys file
  keys rotate                             new KEK and signing key; re-wrap every data key
  keys retire KEK-ID                      drop an old KEK (after rotating): older backups become unreadable
  audit verify [--subject ID] [--checkpoints FILE]
                                          check the access-log hash chains against their signed checkpoints
  backup FILE [--force]                   consistent online copy of the database
  restore FILE [--force]                  check a backup and put it in place (server stopped)

Environment: HOST, PORT, TESSERA_DATA_DIR, TESSERA_KEYS_FILE, TESSERA_PUBLIC_URL, LOG_LEVEL`;

type Command = (args: string[]) => Promise<void> | void;

const commands: Record<string, Command> = {
  serve: () => serve(),
  migrate: () => migrate(),
  'admin create': (args) => adminCreate(args),
  'keys generate': () => keysGenerate(),
  'keys rotate': () => keysRotate(),
  'keys retire': (args) => keysRetire(args),
  'audit verify': (args) => auditVerify(args),
  backup: (args) => backup(args),
  restore: (args) => restore(args),
};

async function main(argv: string[]): Promise<void> {
  const [first, second] = argv;
  const two = `${first ?? ''} ${second ?? ''}`;
  const run = commands[two] ? { cmd: commands[two]!, rest: argv.slice(2) } : first && commands[first] ? { cmd: commands[first]!, rest: argv.slice(1) } : undefined;
  if (!run) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = first === undefined || first === 'help' || first === '--help' ? 0 : 2;
    return;
  }
  await run.cmd(run.rest);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // Configuration and usage problems are one clear line, not a stack trace.
  if (e instanceof ConfigError) {
    process.stderr.write(`tessera: ${e.message}\n`);
    process.exit(2);
  }
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  if (err.syscall === 'listen' || err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL') {
    process.stderr.write(`tessera: cannot listen on ${err.address ?? ''}:${err.port ?? ''} (${err.code}); check HOST and PORT\n`);
    process.exit(2);
  }
  if (err.syscall === 'getaddrinfo') {
    process.stderr.write(`tessera: HOST "${err.hostname ?? ''}" does not resolve to an address to listen on (${err.code})\n`);
    process.exit(2);
  }
  // A data folder that cannot be created or opened is a configuration problem too.
  if (typeof err.syscall === 'string' && typeof err.path === 'string') {
    process.stderr.write(`tessera: cannot ${err.syscall} ${err.path} (${err.code ?? 'error'}); check TESSERA_DATA_DIR\n`);
    process.exit(2);
  }
  if (err.code && /^SQLITE_(CANTOPEN|NOTADB|READONLY|PERM|AUTH)/.test(err.code)) {
    process.stderr.write(`tessera: cannot open the database in TESSERA_DATA_DIR (${err.code}: ${err.message})\n`);
    process.exit(2);
  }
  process.stderr.write(`tessera: ${err.stack ?? String(e)}\n`);
  process.exit(1);
});
