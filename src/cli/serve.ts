import { loadConfig } from '../config.js';
import { startServer } from '../server.js';

export async function serve(): Promise<void> {
  const config = loadConfig();
  const { app, stop } = await startServer(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down: draining requests');
      stop().then(
        () => process.exit(0),
        (e: unknown) => {
          app.log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
