/**
 * @module apps/default-app
 * The app a fresh install starts with, so `npm start` is usable at once: its SDKAppID and secret
 * are written to `<dataDir>/default-app.json` (mode 0600, readable by the server's user only).
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.ts';
import type { AppRecord } from '../store/app-store.ts';
import type { AppRegistry } from './app-registry.ts';

export const DEFAULT_APP_FILE = 'default-app.json';

export interface DefaultAppFile {
  sdkAppId: number;
  secretKey: string;
  adminIdentifier: string;
}

async function readDefaultAppFile(path: string): Promise<DefaultAppFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<DefaultAppFile>;
  if (typeof parsed.sdkAppId !== 'number') throw new Error(`${path}: sdkAppId is missing`);
  return { sdkAppId: parsed.sdkAppId, secretKey: String(parsed.secretKey ?? ''), adminIdentifier: String(parsed.adminIdentifier ?? '') };
}

/** Writes through a temporary file and rename, so a crash never leaves a half-written file. */
async function writeDefaultAppFile(path: string, content: DefaultAppFile): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

function fileFor(app: AppRecord): DefaultAppFile {
  return { sdkAppId: app.sdkAppId, secretKey: app.secretKey, adminIdentifier: app.admins[0] ?? 'administrator' };
}

/**
 * Returns the default app: the one named in default-app.json when it still exists (the file is
 * refreshed if its key is out of date), otherwise a newly created one with a new file.
 */
export async function ensureDefaultApp(dataDir: string, registry: AppRegistry, logger: Logger): Promise<AppRecord> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, DEFAULT_APP_FILE);
  const existing = await readDefaultAppFile(path);
  if (existing) {
    const app = await registry.get(existing.sdkAppId);
    if (app) {
      const wanted = fileFor(app);
      if (existing.secretKey !== wanted.secretKey || !app.admins.includes(existing.adminIdentifier)) {
        await writeDefaultAppFile(path, wanted);
        logger.info({ sdkAppId: app.sdkAppId, path }, 'default app file refreshed');
      } else {
        await chmod(path, 0o600);
      }
      return app;
    }
    logger.warn({ sdkAppId: existing.sdkAppId, path }, 'the default app no longer exists; creating a new one');
  }
  const { app } = await registry.createApp({ name: 'default' });
  await writeDefaultAppFile(path, fileFor(app));
  logger.info({ sdkAppId: app.sdkAppId, path }, 'default app created');
  return app;
}
