import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGroupStoreContract } from '../src/store/group-store.contract.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

runGroupStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-groups-'));
  const store = await openSqliteStore(dir, { sync: 'normal' });
  return {
    groups: store.groups,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
