import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGroupAttrStoreContract } from '../src/store/group-attr-store.contract.ts';
import { runGroupStoreContract } from '../src/store/group-store.contract.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';

async function open() {
  const dir = await mkdtemp(join(tmpdir(), 'parley-groups-'));
  const store = await openSqliteStore(dir, { sync: 'normal' });
  return {
    groups: store.groups,
    groupAttrs: store.groupAttrs,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

runGroupStoreContract('sqlite', open);
runGroupAttrStoreContract('sqlite', open);
