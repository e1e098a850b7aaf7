/**
 * UserSig verification throughput on one core, side by side with bare node:crypto baselines.
 *
 *   node --import tsx bench/usersig.bench.ts [seconds-per-round] [rounds]   (default 0.5 s × 7)
 *
 * Cases are run in interleaved rounds (default 7 × 0.5 s each) so that load from other processes
 * hits all of them alike. Two rates are printed for each case, medians over the rounds, plus the best round per CPU second:
 *  - per wall-clock second: what this process got on a machine that may be shared;
 *  - per CPU second (user + system time of this single-threaded process): the throughput of one
 *    core, which is much less affected by other processes competing for the cores.
 */
import { createHmac, createPublicKey, createSecretKey, sign, verify } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { genUserSigV1, genUserSigV2, generateV1KeyPair, v1SignedText, v2MacInput, verifyUserSig } from '@parley/usersig';
import { decodeTicketText, encodeTicketText } from '../packages/usersig/src/codec.ts';

const SECONDS = Number(process.argv[2] ?? 0.5);
const ROUNDS = Number(process.argv[3] ?? 7);
const SDKAPPID = 1400000000;
const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const ID = 'xiaojun';
const TIME = 1700000000;
const NOW = TIME + 10;

interface Case {
  name: string;
  fn: () => boolean;
  rates: number[];
  cpuRates: number[];
}
const cases: Case[] = [];
const add = (name: string, fn: () => boolean): void => void cases.push({ name, fn, rates: [], cpuRates: [] });

function measure(c: Case): void {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(SECONDS * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 200; i++) if (!c.fn()) throw new Error(`${c.name}: check failed`);
    n += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  c.rates.push(n / (Number(elapsed) / 1e9));
  c.cpuRates.push(n / ((cpu.user + cpu.system) / 1e6));
}

const ok = (r: { ok: boolean }): boolean => r.ok;

// --- v2: the same ticket content in the three zlib forms seen in the wild ---
const sigV2 = genUserSigV2({ sdkAppId: SDKAPPID, secretKey: KEY, identifier: ID, time: TIME });
const docV2 = (decodeTicketText(sigV2) as { ok: true; text: string }).text;
const sigV2Stored = encodeTicketText(docV2 + '\n', 0); // Go: NoCompression + Encoder newline
const sigV2Best = encodeTicketText(docV2, 9);
const optsV2 = { sdkAppId: SDKAPPID, identifier: ID, secretKey: KEY, now: NOW };
const content = Buffer.from(v2MacInput(ID, SDKAPPID, TIME, 15552000));
const hmacKey = createSecretKey(Buffer.from(KEY));
const stdB64 = sigV2.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');

add('v2 verifyUserSig (zlib 78 9c, default level)', () => ok(verifyUserSig(sigV2, optsV2)));
add('v2 verifyUserSig (zlib level 9)', () => ok(verifyUserSig(sigV2Best, optsV2)));
add('v2 verifyUserSig (stored blocks 78 01, Go form)', () => ok(verifyUserSig(sigV2Stored, optsV2)));
add('baseline: bare HMAC-SHA256 of the same content', () => createHmac('sha256', hmacKey).update(content).digest().length === 32);
// The verifier asks for a base64 digest (cheaper in Node 20 than a Buffer digest), so this is the tighter bound.
add('baseline: bare HMAC-SHA256, base64 digest', () => createHmac('sha256', hmacKey).update(content).digest('base64').length === 44);
add('baseline: base64 + inflateSync + JSON.parse + HMAC', () => {
  const doc = JSON.parse(inflateSync(Buffer.from(stdB64, 'base64')).toString()) as Record<string, unknown>;
  return createHmac('sha256', hmacKey).update(content).digest().length === 32 && doc['TLS.ver'] === '2.0';
});

// --- v1: both curves, against a bare crypto.verify of the same signed text ---
for (const curve of ['prime256v1', 'secp256k1'] as const) {
  const pair = generateV1KeyPair(curve);
  const sigV1 = genUserSigV1({ sdkAppId: SDKAPPID, privateKeyPem: pair.privateKeyPem, identifier: ID, time: TIME });
  const optsV1 = { sdkAppId: SDKAPPID, identifier: ID, publicKeyPem: pair.publicKeyPem, now: NOW };
  const text = Buffer.from(
    v1SignedText({ appidAt3rd: '0', accountType: '0', identifier: ID, sdkAppId: String(SDKAPPID), time: String(TIME), expireAfter: '15552000' }),
  );
  const pub = createPublicKey(pair.publicKeyPem);
  const der = sign('sha256', text, pair.privateKeyPem);
  add(`v1 verifyUserSig (${curve})`, () => ok(verifyUserSig(sigV1, optsV1)));
  add(`baseline: bare crypto.verify (${curve})`, () => verify('sha256', text, pub, der));
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), loadavg before: ${load()}`);
console.log(`${ROUNDS} interleaved rounds × ${SECONDS}s per case, single thread\n`);
for (const c of cases) for (let i = 0; i < 3000; i++) c.fn(); // JIT warm-up
for (let r = 0; r < ROUNDS; r++) for (const c of cases) measure(c);

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${'case'.padEnd(52)} ${'per wall s'.padStart(11)} ${'per CPU s'.padStart(11)} ${'CPU µs/op'.padStart(10)} ${'best CPU'.padStart(11)}`);
for (const c of cases) {
  const cpu = median(c.cpuRates);
  console.log(
    `${c.name.padEnd(52)} ${fmt(median(c.rates)).padStart(11)} ${fmt(cpu).padStart(11)} ${(1e6 / cpu).toFixed(2).padStart(10)} ${fmt(Math.max(...c.cpuRates)).padStart(11)}`,
  );
}
const v2 = median(cases[0]!.cpuRates);
const hmac = median(cases[4]!.cpuRates);
console.log(`\nloadavg after: ${load()}`);
console.log(`v2 (default form): ${fmt(v2)} verifications per CPU second (${((v2 / hmac) * 100).toFixed(0)}% of a bare HMAC with base64 digest); floor 100,000/s ${v2 >= 100_000 ? 'met' : 'NOT met'}`);
