/**
 * @module cli/app-commands
 * `parley app ...`: manage apps in the same store the server uses. Output is JSON on stdout so
 * scripts can read it; the v1 private key is printed once, at creation, and never stored.
 */
import type { Command } from 'commander';
import { Codes } from '@parley/protocol';
import { AppRegistry, type V1Curve } from '../apps/app-registry.ts';
import { ParleyError } from '../errors.ts';
import type { AppRecord, IntegrationMode } from '../store/app-store.ts';
import type { Store } from '../store/store.ts';
import { readFile } from 'node:fs/promises';

export type WithStore = <T>(fn: (store: Store) => Promise<T>) => Promise<T>;

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function sdkAppIdArg(raw: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) throw new ParleyError(Codes.REST_INVALID_SDKAPPID, `"${raw}" is not an SDKAppID`);
  return Number(raw);
}

/** The list view: no secrets. */
function summary(app: AppRecord): Record<string, unknown> {
  return {
    sdkAppId: app.sdkAppId, name: app.name, mode: app.mode, admins: app.admins, v1PublicKey: app.publicKeyPem !== undefined,
    disabled: app.disabled === true, createdAt: new Date(app.createdAt * 1000).toISOString(),
  };
}

async function requireApp(apps: AppRegistry, id: number): Promise<AppRecord> {
  const app = await apps.get(id);
  if (!app) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND, `SDKAppID ${id} not found`);
  return app;
}

export function registerAppCommands(program: Command, withStore: WithStore): void {
  const app = program.command('app').description('create, list, show and delete apps (SDKAppIDs)');

  app.command('create')
    .description('create an app: prints its SDKAppID and secret key (and the v1 private key, once)')
    .requiredOption('--name <name>', 'display name')
    .option('--mode <mode>', 'independent (your server signs UserSigs) or guest (anonymous logins too)', 'independent')
    .option('--v1-curve <curve>', 'also accept legacy v1 (ECDSA) UserSigs: secp256k1 or prime256v1')
    .action(async (opts: { name: string; mode: string; v1Curve?: string }) => {
      await withStore(async (store) => {
        const input: Parameters<AppRegistry['createApp']>[0] = { name: opts.name, mode: opts.mode as IntegrationMode };
        if (opts.v1Curve !== undefined) input.v1Curve = opts.v1Curve as V1Curve;
        const { app: created, v1PrivateKeyPem } = await new AppRegistry(store.apps).createApp(input);
        print(v1PrivateKeyPem === undefined ? created : { ...created, v1PrivateKeyPem });
        if (v1PrivateKeyPem !== undefined) process.stderr.write('Save v1PrivateKeyPem now: Parley does not keep it.\n');
      });
    });

  app.command('list')
    .description('list apps (without secrets)')
    .action(async () => {
      await withStore(async (store) => print((await new AppRegistry(store.apps).list()).map(summary)));
    });

  app.command('show')
    .description('show one app, secret key included')
    .argument('<sdkAppId>', 'the app\'s SDKAppID')
    .action(async (raw: string) => {
      await withStore(async (store) => print(await requireApp(new AppRegistry(store.apps), sdkAppIdArg(raw))));
    });

  app.command('delete')
    .description('delete an app: its tickets stop working at once; the server then purges its data')
    .argument('<sdkAppId>', 'the app\'s SDKAppID')
    .action(async (raw: string) => {
      await withStore(async (store) => {
        const id = sdkAppIdArg(raw);
        // The purge of its data is recorded here and run by the server (at start-up and every minute).
        if (!(await new AppRegistry(store.apps, { purgeOnDelete: false }).delete(id))) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND, `SDKAppID ${id} not found`);
        print({ deleted: id });
        process.stderr.write('The app\'s data is purged by the server: at its next start, or within a minute if it is running.\n');
      });
    });

  app.command('admins')
    .description('set the app\'s admin UserIDs (1 to 10)')
    .argument('<sdkAppId>', 'the app\'s SDKAppID')
    .argument('<userIDs...>', 'admin UserIDs')
    .action(async (raw: string, admins: string[]) => {
      await withStore(async (store) => print(summary(await new AppRegistry(store.apps).setAdmins(sdkAppIdArg(raw), admins))));
    });

  app.command('register-key')
    .description('accept v1 (ECDSA) UserSigs signed by the private key matching this public key')
    .argument('<sdkAppId>', 'the app\'s SDKAppID')
    .argument('<pemFile>', 'the public key, PEM')
    .action(async (raw: string, pemFile: string) => {
      await withStore(async (store) => {
        const pem = await readFile(pemFile, 'utf8');
        print(summary(await new AppRegistry(store.apps).registerPublicKey(sdkAppIdArg(raw), pem)));
      });
    });

  app.command('settings')
    .description('change settings, e.g. multiDevicePolicy=multi recallWindowSeconds=300 maxInstancesPerPlatform.web=3')
    .argument('<sdkAppId>', 'the app\'s SDKAppID')
    .argument('<assignments...>', 'key=value pairs (numbers are parsed)')
    .action(async (raw: string, assignments: string[]) => {
      await withStore(async (store) => {
        const patch: Record<string, unknown> = {};
        for (const a of assignments) {
          const eq = a.indexOf('=');
          if (eq <= 0) throw new ParleyError(Codes.INVALID_PARAMETER, `"${a}" is not key=value`);
          const [key, text] = [a.slice(0, eq), a.slice(eq + 1)];
          const value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
          const dot = key.indexOf('.');
          if (dot > 0) {
            const outer = key.slice(0, dot);
            patch[outer] = { ...(patch[outer] as Record<string, unknown> | undefined), [key.slice(dot + 1)]: value };
          } else {
            patch[key] = value;
          }
        }
        print((await new AppRegistry(store.apps).updateSettings(sdkAppIdArg(raw), patch)).settings);
      });
    });
}
