import { runGroupStoreContract } from '../src/store/group-store.contract.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';

runGroupStoreContract('postgres', async () => {
  const schema = uniqueName('parley_test');
  const store = await openPostgresStore(POSTGRES_URL, { schema });
  return {
    groups: store.groups,
    async cleanup() {
      await store.close();
      await dropPostgresSchema(schema);
    },
  };
}, { skip: skipUnlessPostgres });
