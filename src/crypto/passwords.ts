import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id password hashing on libuv's thread pool, so hashing (~tens of ms) never blocks the
 * event loop. Parameters follow OWASP's argon2id minimum (19 MiB, t=2, p=1); the PHC string
 * records them, so raising them later still verifies old hashes.
 */
const options = { algorithm: 2 /* Algorithm.Argon2id; a const enum, so not importable under verbatimModuleSyntax */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** @returns a PHC-format argon2id hash of the password */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/**
 * @param stored the PHC string from {@link hashPassword}
 * @returns whether the password matches; false for a malformed stored hash
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
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
