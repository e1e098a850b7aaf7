/**
 * A Parley node as a child process for cluster fault tests (helpers/cluster.ts spawnNode): the
 * settings come from the environment like `npm start`; prints `PARLEY_PORT=<port>` once listening
 * and stops gracefully on SIGTERM. Tests kill it with SIGKILL to simulate a crash.
 */
import { configFromEnv } from '../../src/config.ts';
import { createParley } from '../../src/server.ts';

const parley = await createParley({ config: configFromEnv() });
const port = await parley.listen();
process.stdout.write(`PARLEY_PORT=${port}\n`);
process.on('SIGTERM', () => {
  parley.close().then(() => process.exit(0), () => process.exit(1));
});
