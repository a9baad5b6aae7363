import { loadConfig } from '../config.js';
import { migrateStorage } from '../storage/index.js';

/** `tessera migrate`: applies pending migrations (several instances may run it at once). */
export async function migrate(): Promise<void> {
  const { applied, where } = await migrateStorage(loadConfig());
  process.stdout.write(`${applied} migration(s) applied to ${where}\n`);
}
