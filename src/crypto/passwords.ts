import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id password hashing on libuv's thread pool, so hashing (~tens of ms) never blocks the
 * event loop. Parameters follow OWASP's argon2id minimum (19 MiB, t=2, p=1); the PHC string
 * records them, so raising them later still verifies old hashes.
 */
const options = { algorithm: 2 /* Algorithm.Argon2id; a const enum, so not importable under verbatimModuleSyntax */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * At most one hash per spare core runs at once; the rest queue. Each hash takes 19 MiB and a
 * core for tens of milliseconds, so a burst of logins would otherwise take every core from the
 * event loop (raising everyone's latency) and multiply memory.
 */
const slots = Math.max(1, availableParallelism() - 1);
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** @returns a PHC-format argon2id hash of the password */
export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, options));
}

/**
 * @param stored the PHC string from {@link hashPassword}
 * @returns whether the password matches; false for a malformed stored hash
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await limited(() => verify(stored, password));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for logins with an unknown handle, so
 * response timing does not reveal which handles exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('tessera-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
  return false;
}
