/**
 * @module store/sqlite/checkpointer
 * Moves WAL checkpoints off the event loop. With SQLite's default auto-checkpoint the committing
 * connection copies WAL pages into the database file itself, which is about half the cost of an
 * append batch; a worker thread on its own connection does that copying in parallel instead. The
 * main connection keeps a large auto-checkpoint threshold as a safety net in case the worker falls
 * behind or dies.
 */
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './sqlite-database.ts';

/** Pages (4 KiB) the WAL may reach before the main connection checkpoints inline. */
const SAFETY_NET_PAGES = 25_000;
const DEFAULT_INTERVAL_MS = 100;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(db: SqliteDatabase, intervalMs = DEFAULT_INTERVAL_MS): Checkpointer {
  const worker = new Worker(new URL('./checkpointer.worker.mjs', import.meta.url), {
    workerData: { file: db.name, intervalMs },
    // The worker is plain JavaScript: no TypeScript loader needed (or wanted) in it.
    execArgv: [],
  });
  worker.unref();
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  let alive = true;
  const fallBack = () => {
    if (!alive) return;
    alive = false;
    // Back to inline checkpoints at SQLite's default threshold.
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    async stop() {
      if (!alive) return;
      alive = false;
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        worker.once('exit', done);
        worker.once('message', () => void worker.terminate().then(done, done));
        worker.postMessage('stop');
      });
    },
  };
}
