import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop (docs/performance.md). With SQLite's automatic checkpoint,
 * the commit that takes the WAL past 1,000 pages copies them back into the database file and
 * fsyncs it, inside that commit, on the event loop: every request queued behind it waits. Here
 * the serving connection sets `wal_autocheckpoint=0` and a worker thread, on a connection of its
 * own, runs PASSIVE checkpoints: they copy what no reader still needs and never block a reader or
 * the writer. Commits still fsync the WAL (synchronous=FULL), so durability does not move: a
 * checkpoint only changes where committed pages live, and a crash before or during one is
 * recovered from the WAL on the next open.
 */

/** How often the worker checkpoints while the server runs. */
const DEFAULT_INTERVAL_MS = 250;

// The worker is plain JavaScript run from a string, so it loads the same way from src/ (tests) and dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = (id) => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (id !== undefined) parentPort.postMessage({ id, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (typeof m === 'number') return checkpoint(m);
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

export interface CheckpointStats {
  /** Frames in the WAL at the last checkpoint. */
  log: number;
  /** Of those, how many are in the database file. */
  checkpointed: number;
}

export interface Checkpointer {
  /** Runs a checkpoint at once. @returns the WAL's state after it; rejects when it failed */
  now(): Promise<CheckpointStats>;
  /** Stops the worker and closes its connection; the caller then checkpoints as it closes. */
  stop(): Promise<void>;
}

/**
 * Starts the checkpoint worker for a database file whose serving connection has automatic
 * checkpoints off.
 * @param file the database file (it must exist: the serving connection opened it first)
 * @param options.intervalMs how often to checkpoint (default 250 ms)
 * @param options.onError told of a checkpoint that failed (the next one tries again)
 */
export function startCheckpointer(file: string, options: { intervalMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS } });
  // An idle server may exit while the worker ticks: it never holds the process open.
  worker.unref();
  // Checkpoints asked for by now(), by number; the timer's own are answered only when they fail.
  const waiting = new Map<number, { resolve: (s: CheckpointStats) => void; reject: (e: Error) => void }>();
  let asked = 0;
  worker.on('message', (m: { id?: number; log: number; checkpointed: number; error?: string }) => {
    const w = m.id === undefined ? undefined : waiting.get(m.id);
    if (m.id !== undefined) waiting.delete(m.id);
    if (m.error !== undefined) {
      options.onError?.(m.error);
      w?.reject(new Error(m.error));
    } else w?.resolve({ log: m.log, checkpointed: m.checkpointed });
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    now() {
      return new Promise((resolve, reject) => {
        const id = ++asked;
        waiting.set(id, { resolve, reject });
        worker.postMessage(id);
      });
    },
    async stop() {
      // Held again until it has exited: otherwise a process with nothing else to do (a start
      // that failed and is closing its storage) would end here, before the caller goes on.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
