// Background WAL checkpointer for the SQLite store (see checkpointer.ts). Plain JavaScript so it
// loads in a worker thread without a TypeScript loader. It opens its own connection to the same
// file and copies committed WAL frames into the database with PASSIVE checkpoints, which never
// block the writer; the WAL restarts from the beginning whenever a checkpoint catches up.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData;
const db = new Database(file);
db.pragma('busy_timeout = 1000');

let timer;
function tick() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again.
  }
  timer = setTimeout(tick, intervalMs);
}
timer = setTimeout(tick, intervalMs);

parentPort.on('message', (msg) => {
  if (msg !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage('stopped');
  parentPort.close();
});
