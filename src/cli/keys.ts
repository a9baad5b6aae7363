import { generateKeysFile } from '../crypto/keyring.js';

/** Prints a new keys file; the operator stores it where TESSERA_KEYS_FILE points. */
export function keysGenerate(): void {
  process.stdout.write(JSON.stringify(generateKeysFile(), null, 2) + '\n');
}
