/**
 * @module cli
 * `parley-sig`: the classic tls_licence_tools commands (`gen`/`verify`, v1 ECDSA tickets with key
 * and sig files) plus v2 and key-generation helpers. `run` returns the exit code instead of exiting
 * so that output is flushed and tests can drive it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, CommanderError } from 'commander';
import type { DecodedTicket, VerifyResult } from './types.ts';
import { DEFAULT_EXPIRE } from './args.ts';
import { generateSecretKey, generateV1KeyPair } from './keys.ts';
import { genUserSigV1 } from './v1.ts';
import { genUserSigV2 } from './v2.ts';
import { verifyUserSig } from './verify.ts';

function uint(value: string): number {
  if (!/^[0-9]{1,15}$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

function describe(t: DecodedTicket): Record<string, unknown> {
  const out: Record<string, unknown> = {
    version: t.version,
    identifier: t.identifier,
    sdkAppId: t.sdkAppId,
    time: t.time,
    expire: t.expire,
    expiresAt: t.time + t.expire,
  };
  if (t.userbuf !== undefined) out['userbuf'] = t.userbuf.toString('base64');
  return out;
}

function buildProgram(out: (s: string) => void, err: (s: string) => void, setCode: (c: number) => void): Command {
  const program = new Command('parley-sig')
    .description('Generate and check Tencent-compatible UserSig tickets (v1 ECDSA, v2 HMAC-SHA256)')
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride()
    .showHelpAfterError();

  const report = (r: VerifyResult, okPrefix: string, failPrefix: string): void => {
    if (r.ok) {
      out(`${okPrefix}${JSON.stringify(describe(r.ticket))}\n`);
    } else {
      out(`${failPrefix}${JSON.stringify({ code: r.code, reason: r.reason })}\n`);
      setCode(1);
    }
  };

  program
    .command('gen')
    .description(`write a v1 (ECDSA) UserSig to SIG_FILE; valid ${DEFAULT_EXPIRE / 86400} days unless --expire`)
    .argument('<private_key_file>', 'PEM private key (secp256k1 or P-256)')
    .argument('<sig_file>', 'where to write the UserSig')
    .argument('<sdkappid>', 'SDKAppID', uint)
    .argument('<identifier>', 'UserID')
    .option('--expire <seconds>', 'lifetime in seconds', uint, DEFAULT_EXPIRE)
    .option('--time <unix>', 'issue time (default: now)', uint)
    .action((keyFile: string, sigFile: string, sdkAppId: number, identifier: string, o: { expire: number; time?: number }) => {
      const privateKeyPem = readFileSync(keyFile, 'utf8');
      const sig = genUserSigV1({ sdkAppId, privateKeyPem, identifier, expire: o.expire, ...(o.time === undefined ? {} : { time: o.time }) });
      writeFileSync(sigFile, `${sig}\n`);
      out('generate sig ok\n');
    });

  program
    .command('verify')
    .description('check a v1 UserSig from SIG_FILE with a PEM public key')
    .argument('<public_key_file>', 'PEM public key')
    .argument('<sig_file>', 'file holding the UserSig')
    .argument('<sdkappid>', 'SDKAppID', uint)
    .argument('<identifier>', 'UserID')
    .option('--now <unix>', 'check expiry against this time (default: now)', uint)
    .action((keyFile: string, sigFile: string, sdkAppId: number, identifier: string, o: { now?: number }) => {
      const publicKeyPem = readFileSync(keyFile, 'utf8');
      const userSig = readFileSync(sigFile, 'utf8');
      report(verifyUserSig(userSig, { sdkAppId, identifier, publicKeyPem, allowUserbuf: true, ...(o.now === undefined ? {} : { now: o.now }) }), 'verify sig ok\n', 'verify sig failed\n');
    });

  program
    .command('gen-v2')
    .description('print a v2 (HMAC-SHA256) UserSig')
    .requiredOption('--key <key>', 'secret key from the console (used as text)')
    .requiredOption('--sdkappid <n>', 'SDKAppID', uint)
    .requiredOption('--identifier <id>', 'UserID')
    .option('--expire <seconds>', 'lifetime in seconds', uint, DEFAULT_EXPIRE)
    .option('--time <unix>', 'issue time (default: now)', uint)
    .action((o: { key: string; sdkappid: number; identifier: string; expire: number; time?: number }) => {
      out(`${genUserSigV2({ sdkAppId: o.sdkappid, secretKey: o.key, identifier: o.identifier, expire: o.expire, ...(o.time === undefined ? {} : { time: o.time }) })}\n`);
    });

  program
    .command('check')
    .description('verify a v1 or v2 UserSig; prints the decoded fields as JSON (exit 0) or {code, reason} (exit 1)')
    .requiredOption('--sdkappid <n>', 'SDKAppID', uint)
    .requiredOption('--identifier <id>', 'UserID')
    .requiredOption('--sig <usersig>', 'the UserSig')
    .option('--key <key>', 'v2 secret key')
    .option('--public-key <file>', 'v1 PEM public key file')
    .option('--now <unix>', 'check expiry against this time (default: now)', uint)
    .option('--userbuf <base64>', 'require this userbuf (PrivateMapKey)')
    .option('--allow-userbuf', 'accept tickets that carry a userbuf')
    .action((o: { sdkappid: number; identifier: string; sig: string; key?: string; publicKey?: string; now?: number; userbuf?: string; allowUserbuf?: boolean }, cmd: Command) => {
      if (o.key === undefined && o.publicKey === undefined) cmd.error('error: one of --key (v2) or --public-key (v1) is required');
      const r = verifyUserSig(o.sig, {
        sdkAppId: o.sdkappid,
        identifier: o.identifier,
        ...(o.key === undefined ? {} : { secretKey: o.key }),
        ...(o.publicKey === undefined ? {} : { publicKeyPem: readFileSync(o.publicKey, 'utf8') }),
        ...(o.now === undefined ? {} : { now: o.now }),
        ...(o.userbuf === undefined ? {} : { userbuf: Buffer.from(o.userbuf, 'base64') }),
        ...(o.allowUserbuf === true ? { allowUserbuf: true } : {}),
      });
      report(r, '', '');
    });

  program
    .command('keygen')
    .description('create a v1 ECDSA key pair: writes DIR/private.pem and DIR/public.pem, or prints both')
    .option('--curve <curve>', 'secp256k1 or prime256v1', 'prime256v1')
    .option('--out <dir>', 'directory to write private.pem and public.pem into')
    .action((o: { curve: string; out?: string }, cmd: Command) => {
      if (o.curve !== 'secp256k1' && o.curve !== 'prime256v1') cmd.error('error: --curve must be secp256k1 or prime256v1');
      const { privateKeyPem, publicKeyPem } = generateV1KeyPair(o.curve);
      if (o.out === undefined) {
        out(privateKeyPem + publicKeyPem);
        return;
      }
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, 'private.pem'), privateKeyPem, { mode: 0o600 });
      writeFileSync(join(o.out, 'public.pem'), publicKeyPem);
      out(`wrote ${join(o.out, 'private.pem')} and ${join(o.out, 'public.pem')} (${o.curve})\n`);
    });

  program
    .command('keygen-v2')
    .description('print a new v2 secret key (64 hex characters)')
    .action(() => out(`${generateSecretKey()}\n`));

  return program;
}

/** Runs the CLI on `argv` (node-style: argv[0] node, argv[1] script) and returns the exit code. */
export async function run(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let code = 0;
  const program = buildProgram(out, err, (c) => (code = c));
  if (argv.length <= 2) {
    out(program.helpInformation());
    return 1;
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    // Unreadable files, bad PEMs, out-of-range arguments: one line, not a stack trace.
    err(`parley-sig: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return code;
}
