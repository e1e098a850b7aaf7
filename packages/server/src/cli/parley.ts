/**
 * @module cli/parley
 * The `parley` command line. It opens the same store as the server (PARLEY_DATA_DIR, default
 * ./data, or PARLEY_STORE), so it works while the server runs: SQLite's WAL mode lets both use
 * the file, and the server picks up app changes within seconds (apps/app-registry.ts).
 */
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ParleyError } from '../errors.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { registerAppCommands } from './app-commands.ts';

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: resolve(process.env['PARLEY_DATA_DIR'] || './data'), storeUrl: process.env['PARLEY_STORE'] ?? '', schema: process.env['PARLEY_PG_SCHEMA'] || 'public' });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const program = new Command('parley')
  .description('Parley: self-hosted instant messaging, wire-compatible with Tencent Cloud IM')
  .showHelpAfterError()
  .exitOverride();
registerAppCommands(program, withStore);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander already printed help or the usage error.
    process.exitCode = err.exitCode;
  } else {
    const text = err instanceof ParleyError ? `${err.message} (code ${err.code})` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${text}\n`);
    process.exitCode = 1;
  }
}
