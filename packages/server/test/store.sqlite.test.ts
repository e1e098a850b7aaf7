import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '../src/store/store.contract.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

runStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-store-'));
  return { store: await openSqliteStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
