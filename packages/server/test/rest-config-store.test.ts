// The operations stores (dirty words, global mute, daily figures) on both engines. PostgreSQL is
// skipped locally when unreachable and runs under CI=true (see helpers/services.ts).
import { it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExtrasContract } from '../src/store/extras.contract.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { POSTGRES_URL, dropPostgresSchema, skipUnlessPostgres, uniqueName } from './helpers/services.ts';

runExtrasContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-extras-'));
  return { store: await openSqliteStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

const unreachable = await skipUnlessPostgres();
if (unreachable) {
  it('Store extras contract: postgres', { skip: unreachable }, () => {});
} else {
  const schema = uniqueName('parley_test');
  runExtrasContract('postgres', async () => ({
    store: await openPostgresStore(POSTGRES_URL, { schema }),
    cleanup: () => dropPostgresSchema(schema),
  }));
}
