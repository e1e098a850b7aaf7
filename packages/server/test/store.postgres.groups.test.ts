import { runGroupAttrStoreContract } from '../src/store/group-attr-store.contract.ts';
import { runGroupStoreContract } from '../src/store/group-store.contract.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';

async function open() {
  const schema = uniqueName('parley_test');
  const store = await openPostgresStore(POSTGRES_URL, { schema });
  return {
    groups: store.groups,
    groupAttrs: store.groupAttrs,
    async cleanup() {
      await store.close();
      await dropPostgresSchema(schema);
    },
  };
}

runGroupStoreContract('postgres', open, { skip: skipUnlessPostgres });
runGroupAttrStoreContract('postgres', open, { skip: skipUnlessPostgres });
