/**
 * @module main
 * `npm start`: one Parley node on PORT (default 8080) with data in PARLEY_DATA_DIR (default ./data).
 * First start creates a default app and writes <data dir>/default-app.json (mode 0600).
 */
import { configFromEnv } from './config.ts';
import { createParley } from './server.ts';
import { createLogger } from './observability/logger.ts';
import { ensureDefaultApp } from './apps/default-app.ts';

const logger = createLogger();
const config = configFromEnv();
const parley = await createParley({ config, logger });
const app = await ensureDefaultApp(config.dataDir, parley.apps, logger);
const port = await parley.listen();
logger.info({ port, dataDir: config.dataDir, node: config.nodeId }, 'Parley is listening');
process.stdout.write(
  `\nParley is listening on http://localhost:${port}  (WebSocket: ws://localhost:${port}/ws)\n` +
    `Default app: SDKAppID ${app.sdkAppId}, admin "administrator" (key in ${config.dataDir}/default-app.json)\n` +
    `Sign a ticket:  npx parley-sig gen-v2 --key <secretKey> --sdkappid ${app.sdkAppId} --identifier administrator\n\n`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    parley.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
