/**
 * @module rest/commands/openconfigsvr
 * Global mute and app figures (Tencent 1047/34962, 34963, 34961):
 *
 * - `setnospeaking`: per account, C2C and group sends refused (20012 / 10017) for the given seconds
 *   (0 lifts it, 4294967295 is for ever). Effective on the next message.
 * - `getnospeaking`: the seconds left of each mute (4294967295 for ever, 0 when not muted).
 * - `getappinfo`: daily figures Parley records (see messaging/daily-stats.ts) for the last 30 days,
 *   newest first; values are strings, as Tencent's. Figures Parley does not record (push counts,
 *   relationship chain, registrations, peak online) are left out rather than reported as 0.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import type { ContentServices } from '../../messaging/content-hooks.ts';
import { FOREVER, remainingFor, untilFor } from '../../messaging/global-mute.ts';
import type { Services } from '../../services.ts';
import { dayOf, type DailyFigures } from '../../store/dirty-word-store.ts';
import type { NoSpeakingRecord } from '../../store/dirty-word-store.ts';
import type { CommandRegistry, RestContext } from '../command-registry.ts';

/** getappinfo fields Parley records, and how each is computed from a day's figures. */
const FIGURES: Record<string, (f: DailyFigures) => number> = {
  ActiveUserNum: (f) => f.distinct['active'] ?? 0,
  LoginTimes: (f) => f.counters['LoginTimes'] ?? 0,
  LoginUserNum: (f) => f.distinct['login'] ?? 0,
  UpMsgNum: (f) => (f.counters['C2CUpMsgNum'] ?? 0) + (f.counters['GroupUpMsgNum'] ?? 0),
  SendMsgUserNum: (f) => f.distinct['sender'] ?? 0,
  C2CUpMsgNum: (f) => f.counters['C2CUpMsgNum'] ?? 0,
  C2CSendMsgUserNum: (f) => f.distinct['c2c_sender'] ?? 0,
  GroupUpMsgNum: (f) => f.counters['GroupUpMsgNum'] ?? 0,
  GroupSendMsgUserNum: (f) => f.distinct['group_sender'] ?? 0,
  GroupSendMsgGroupNum: (f) => f.distinct['group'] ?? 0,
  GroupJoinGroupTimes: (f) => f.counters['GroupJoinGroupTimes'] ?? 0,
  GroupQuitGroupTimes: (f) => f.counters['GroupQuitGroupTimes'] ?? 0,
  GroupNewGroupNum: (f) => f.counters['GroupNewGroupNum'] ?? 0,
  GroupDestroyGroupNum: (f) => f.counters['GroupDestroyGroupNum'] ?? 0,
};
/** Tencent's other field names: accepted in RequestField, not recorded, so never returned. */
const NOT_RECORDED = new Set([
  'RegistUserNumOneDay', 'RegistUserNumTotal', 'APNSMsgNum', 'C2CDownMsgNum', 'C2CAPNSMsgNum', 'MaxOnlineNum', 'DownMsgNum',
  'ChainIncrease', 'ChainDecrease', 'GroupDownMsgNum', 'GroupAPNSMsgNum', 'GroupAllGroupNum', 'CallBackReq', 'CallBackRsp',
]);
const IDENTITY = new Set(['AppName', 'AppId', 'Company', 'Date']);

function account(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (v === undefined || v === null) throw new ParleyError(Codes.JSON_PARSE_FAILED, `${name} is required`);
  if (typeof v !== 'string' || v === '') throw new ParleyError(Codes.REST_BAD_ACCOUNT_TYPE, `${name} must be a UserID string`);
  return v;
}

function seconds(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > FOREVER) {
    throw new ParleyError(Codes.JSON_PARSE_FAILED, `${name} must be an integer from 0 to 4294967295`);
  }
  return v;
}

async function requireAccount(ctx: RestContext, services: Services, userID: string): Promise<void> {
  if (!(await services.directory.exists(ctx.app.sdkAppId, userID).catch(() => false))) {
    throw new ParleyError(Codes.ACCOUNT_NOT_FOUND, `${userID.slice(0, 40)} does not exist`);
  }
}

export function registerConfigCommands(registry: CommandRegistry, services: Services, content: ContentServices): void {
  registry.register('openconfigsvr/setnospeaking', async (ctx, body) => {
    const user = account(body, 'Set_Account');
    const c2c = seconds(body, 'C2CmsgNospeakingTime');
    const group = seconds(body, 'GroupmsgNospeakingTime');
    if (c2c === undefined && group === undefined) {
      throw new ParleyError(Codes.JSON_PARSE_FAILED, 'Give C2CmsgNospeakingTime and/or GroupmsgNospeakingTime');
    }
    await requireAccount(ctx, services, user);
    const now = Math.floor(services.now() / 1000);
    const change: Partial<NoSpeakingRecord> = {};
    if (c2c !== undefined) change.c2cUntil = untilFor(c2c, now);
    if (group !== undefined) change.groupUntil = untilFor(group, now);
    await content.mutes.set(ctx.app.sdkAppId, user, change);
    content.changed({ mute: { sdkAppId: ctx.app.sdkAppId, userID: user } });
    return {};
  });

  registry.register('openconfigsvr/getnospeaking', async (ctx, body) => {
    const user = account(body, 'Get_Account');
    await requireAccount(ctx, services, user);
    const rec = await content.mutes.get(ctx.app.sdkAppId, user);
    const now = Math.floor(services.now() / 1000);
    return { C2CmsgNospeakingTime: remainingFor(rec.c2cUntil, now), GroupmsgNospeakingTime: remainingFor(rec.groupUntil, now) };
  });

  registry.register('openconfigsvr/getappinfo', async (ctx, body) => {
    const raw = body['RequestField'];
    let wanted: Set<string> | undefined;
    if (raw !== undefined && raw !== null) {
      if (!Array.isArray(raw) || !raw.every((f) => typeof f === 'string')) throw new ParleyError(Codes.JSON_PARSE_FAILED, 'RequestField must be an array of field names');
      for (const f of raw as string[]) {
        if (!(f in FIGURES) && !NOT_RECORDED.has(f) && !IDENTITY.has(f)) throw new ParleyError(Codes.JSON_PARSE_FAILED, `Unknown RequestField ${f.slice(0, 40)}`);
      }
      if (raw.length > 0) wanted = new Set(raw as string[]);
    }
    await content.stats.flush();
    const now = services.now();
    const days = await services.store.stats.daily(ctx.app.sdkAppId, dayOf(now - 29 * 86_400_000), dayOf(now));
    const want = (f: string) => wanted === undefined || wanted.has(f);
    return {
      Result: days.map((d) => {
        const row: Record<string, string> = {};
        if (want('AppName')) row['AppName'] = ctx.app.name;
        if (want('AppId')) row['AppId'] = String(ctx.app.sdkAppId);
        if (want('Company')) row['Company'] = '';
        for (const [name, compute] of Object.entries(FIGURES)) if (want(name)) row[name] = String(compute(d));
        if (want('Date')) row['Date'] = d.day;
        return row;
      }),
    };
  });
}
