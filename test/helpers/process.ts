import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI; `npm test` builds dist/ before vitest runs. */
export const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function tempDir(prefix = 'tessera-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A port nothing listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Environment for a child: the parent's PATH and the like, without any Tessera or log settings. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TESSERA_|HOST$|PORT$|LOG_LEVEL$|NODE_OPTIONS$|VITEST)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js …` to completion. A command that has not exited after `timeoutMs`
 * (say, a `serve` that unexpectedly started) is killed by its pid, so no process outlives the test.
 */
export function runCli(args: string[], env: Record<string, string>, stdin?: string, timeoutMs = 20_000, cwd = repoRoot): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: childEnv(env), cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

export interface Served {
  child: ChildProcess;
  base: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout has had `n` lines matching `pattern`. */
  waitForLog(pattern: RegExp, n?: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code, or rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process (by pid) if it is still running. */
  kill(): void;
}

/**
 * Starts `node dist/cli.js serve` on 127.0.0.1 and waits until it answers /healthz.
 * @param env TESSERA_DATA_DIR and the like; HOST and PORT are chosen here
 * @param cwd the working folder (where a `tessera.env` would be read from)
 */
export async function serve(env: Record<string, string>, cwd = repoRoot): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'serve'], {
    env: childEnv({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env }),
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      for (const l of listeners) l();
      resolve(exit);
    });
  });

  const served: Served = {
    child,
    base: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    waitForLog(pattern, n = 1, timeoutMs = 15_000) {
      const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
      return new Promise((resolve, reject) => {
        const check = () => {
          if ((out.match(global) ?? []).length >= n) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (exit) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`server exited (${exit.code}) before logging ${pattern}; stderr: ${err}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${n}× ${pattern} in the log within ${timeoutMs} ms; stdout: ${out.slice(-2000)} stderr: ${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    exited(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`)), timeoutMs);
        void exitPromise.then((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    kill() {
      if (!exit && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };

  try {
    await served.waitForLog(/Server listening at/);
  } catch (e) {
    served.kill();
    throw e;
  }
  return served;
}
