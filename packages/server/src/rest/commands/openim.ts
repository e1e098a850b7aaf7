/**
 * @module rest/commands/openim
 * The `openim` REST service (reference §3 and §9): sendmsg, batchsendmsg, importmsg,
 * admin_getroammsg, admin_msgwithdraw, admin_set_msg_read, get_c2c_unread_msg_num,
 * query_online_status (and its legacy name querystate). Every request is validated whole before
 * anything is written.
 */
import { Codes, formatMsgKey, isValidUserID, parseMsgKey, type CodeInfo } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { c2cConvId, type C2CSendInput } from '../../messaging/c2c-service.ts';
import type { StoredMessage } from '../../store/message-store.ts';
import type { Services } from '../../services.ts';
import type { CommandRegistry, RestContext } from '../command-registry.ts';

const MAX_LIFETIME = 604_800;

function str(body: Record<string, unknown>, name: string, code: CodeInfo, required = true): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw new ParleyError(code, `${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0) throw new ParleyError(code, `${name} must be a non-empty string`);
  return v;
}

function int(body: Record<string, unknown>, name: string, code: CodeInfo, required = false): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw new ParleyError(code, `${name} is required`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ParleyError(code, `${name} must be a non-negative integer`);
  return v;
}

function userList(body: Record<string, unknown>, name: string, max: number): string[] {
  const v = body[name];
  if (!Array.isArray(v) || v.length === 0) throw new ParleyError(Codes.JSON_PARSE_FAILED, `${name} must be a non-empty array`);
  if (v.length > max) throw new ParleyError(Codes.TOO_MANY_TARGETS, `${name} has more than ${max} accounts`);
  if (!v.every((x) => typeof x === 'string')) throw new ParleyError(Codes.REST_BAD_ACCOUNT_TYPE);
  return v as string[];
}

interface CommonSend {
  from: string;
  body: unknown;
  random: number;
  seq: number | undefined;
  cloudCustomData: string | undefined;
  lifetime: number | undefined;
  syncOtherMachine: number | undefined;
}

async function parseCommonSend(ctx: RestContext, body: Record<string, unknown>, services: Services): Promise<CommonSend> {
  const from = str(body, 'From_Account', Codes.BAD_FROM_ACCOUNT, false) ?? ctx.identifier;
  const random = int(body, 'MsgRandom', Codes.BAD_MSG_RANDOM, true)!;
  if (random > 0xffffffff) throw new ParleyError(Codes.BAD_MSG_RANDOM, 'MsgRandom must be a uint32');
  const seq = int(body, 'MsgSeq', Codes.BAD_MSG_SEQ);
  const lifetime = int(body, 'MsgLifeTime', Codes.BAD_MSG_LIFETIME);
  if (lifetime !== undefined && lifetime > MAX_LIFETIME) throw new ParleyError(Codes.MSG_LIFETIME_TOO_LONG);
  const syncOtherMachine = int(body, 'SyncOtherMachine', Codes.BAD_SYNC_OTHER_MACHINE);
  const ccd = body['CloudCustomData'];
  if (ccd !== undefined && typeof ccd !== 'string') throw new ParleyError(Codes.BAD_MSG_FORMAT, 'CloudCustomData must be a string');
  if (!Array.isArray(body['MsgBody'])) throw new ParleyError(Codes.MSG_BODY_NOT_ARRAY);
  if (!isValidUserID(from) || !(await services.directory.exists(ctx.app.sdkAppId, from))) throw new ParleyError(Codes.BAD_FROM_ACCOUNT);
  return { from, body: body['MsgBody'], random, seq, cloudCustomData: ccd as string | undefined, lifetime, syncOtherMachine };
}

/** `hooks`: 'all' (content checks and webhooks), 'checks' (no before-send webhook) or 'none' (imports). */
function sendInput(ctx: RestContext, c: CommonSend, to: string, now: number, hooks: 'all' | 'checks' | 'none'): C2CSendInput {
  return {
    sdkAppId: ctx.app.sdkAppId,
    from: c.from,
    to,
    body: c.body,
    // Tencent de-duplicates MsgRandom (+MsgSeq) within one second; so does Parley.
    dedupKey: `r:${c.random}:${c.seq ?? ''}:${Math.floor(now / 1000)}`,
    random: c.random,
    ...(c.cloudCustomData !== undefined && { cloudCustomData: c.cloudCustomData }),
    onlineOnly: c.lifetime === 0,
    senderSync: c.syncOtherMachine === 1 ? 'push' : c.syncOtherMachine === 2 ? 'none' : 'store',
    runHooks: hooks !== 'none',
    beforeCallback: hooks === 'all',
    platform: 'RESTAPI',
  };
}

function roamEntry(m: StoredMessage, peerReadSeq: number): Record<string, unknown> {
  return {
    From_Account: m.from, To_Account: m.to, MsgSeq: m.seq, MsgRandom: m.random, MsgTimeStamp: m.time,
    MsgFlagBits: m.revoked ? 8 : 0, IsPeerRead: m.seq <= peerReadSeq ? 1 : 0, MsgKey: formatMsgKey(m.seq, m.random, m.time),
    MsgBody: m.revoked ? [] : (JSON.parse(m.body) as unknown), CloudCustomData: m.cloudCustomData ?? '',
  };
}

export function registerOpenimCommands(registry: CommandRegistry, services: Services): void {
  const { c2c, directory, store } = services;

  registry.register('openim/sendmsg', async (ctx, body) => {
    const to = str(body, 'To_Account', Codes.BAD_TO_ACCOUNT)!;
    const common = await parseCommonSend(ctx, body, services);
    if (!isValidUserID(to) || !(await directory.exists(ctx.app.sdkAppId, to))) throw new ParleyError(Codes.TO_ACCOUNT_NOT_FOUND);
    const forbid = Array.isArray(body['ForbidCallbackControl']) ? (body['ForbidCallbackControl'] as unknown[]) : [];
    const r = await c2c.send(sendInput(ctx, common, to, services.now(), forbid.includes('ForbidBeforeSendMsgCallback') ? 'checks' : 'all'));
    return { MsgTime: r.message.time, MsgKey: formatMsgKey(r.message.seq, r.message.random, r.message.time) };
  });

  registry.register('openim/batchsendmsg', async (ctx, body) => {
    const targets = userList(body, 'To_Account', 500);
    const common = await parseCommonSend(ctx, body, services);
    const now = services.now();
    const errors: { To_Account: string; ErrorCode: number }[] = [];
    let key = '';
    // Sent concurrently so the group committer stores them in few transactions. No webhooks (as Tencent).
    await Promise.all(targets.map(async (to) => {
      if (!isValidUserID(to) || !(await directory.exists(ctx.app.sdkAppId, to))) {
        errors.push({ To_Account: to, ErrorCode: Codes.ACCOUNT_NOT_FOUND.code });
        return;
      }
      try {
        const r = await c2c.send(sendInput(ctx, common, to, now, 'checks'));
        key ||= formatMsgKey(r.message.seq, r.message.random, r.message.time);
      } catch (err) {
        errors.push({ To_Account: to, ErrorCode: err instanceof ParleyError ? err.code : Codes.MSG_INTERNAL_ERROR.code });
      }
    }));
    if (errors.length === targets.length) throw new ParleyError(Codes.TO_ACCOUNT_NOT_FOUND, 'invalid To_Account');
    if (errors.length > 0) return { ActionStatus: 'SomeError', MsgKey: key, ErrorList: errors };
    return { MsgKey: key };
  });

  registry.register('openim/importmsg', async (ctx, body) => {
    const mode = int(body, 'SyncFromOldSystem', Codes.INVALID_PARAMETER, true);
    // 2 imports history; 5 (current pages) and 1 (older pages and Tencent's OpenAPI file) import real-time messages.
    if (mode !== 1 && mode !== 2 && mode !== 5) throw new ParleyError(Codes.INVALID_PARAMETER, 'SyncFromOldSystem must be 1, 2 or 5');
    const to = str(body, 'To_Account', Codes.BAD_TO_ACCOUNT)!;
    const ts = int(body, 'MsgTimeStamp', Codes.BAD_MSG_TIMESTAMP, true)!;
    const common = await parseCommonSend(ctx, body, services);
    if (!isValidUserID(to)) throw new ParleyError(Codes.TO_ACCOUNT_NOT_FOUND);
    await directory.ensure(ctx.app.sdkAppId, to);
    const input = sendInput(ctx, { ...common, lifetime: undefined, syncOtherMachine: 1 }, to, ts * 1000, 'none');
    const r = await c2c.send(input);
    // Mode 2 imports history: already read on both sides.
    if (mode === 2) await c2c.setRead(ctx.app.sdkAppId, to, common.from, r.message.seq);
    return {};
  });

  registry.register('openim/admin_getroammsg', async (ctx, body) => {
    // Older pages (and Tencent's OpenAPI file) name these From_Account / To_Account.
    const op = str(body, body['Operator_Account'] === undefined && body['From_Account'] !== undefined ? 'From_Account' : 'Operator_Account', Codes.BAD_FROM_ACCOUNT)!;
    const peer = str(body, body['Peer_Account'] === undefined && body['To_Account'] !== undefined ? 'To_Account' : 'Peer_Account', Codes.BAD_TO_ACCOUNT)!;
    const maxCnt = Math.min(int(body, 'MaxCnt', Codes.INVALID_PARAMETER, true)!, 100);
    const minTime = int(body, 'MinTime', Codes.INVALID_PARAMETER, true)!;
    const maxTime = int(body, 'MaxTime', Codes.INVALID_PARAMETER, true)!;
    const lastKey = body['LastMsgKey'] === undefined ? undefined : parseMsgKey(body['LastMsgKey']);
    if (body['LastMsgKey'] !== undefined && !lastKey) throw new ParleyError(Codes.BAD_MSG_KEY);
    const convId = c2cConvId(op, peer);
    const conv = (await store.messages.conversations(ctx.app.sdkAppId, op, 1000)).find((c) => c.convId === convId);
    const out: StoredMessage[] = [];
    let before = lastKey?.seq;
    let complete = 1;
    scan: for (;;) {
      const page = await store.messages.history(ctx.app.sdkAppId, convId, before, 100);
      for (const m of page) {
        if (m.time < minTime) break scan;
        if (m.time > maxTime) continue;
        if (out.length === maxCnt) {
          complete = 0;
          break scan;
        }
        out.push(m);
      }
      if (page.length < 100) break;
      before = page[page.length - 1]!.seq;
    }
    out.reverse();
    const oldest = out[0];
    return {
      Complete: complete, MsgCnt: out.length,
      LastMsgTime: oldest?.time ?? 0, LastMsgKey: oldest ? formatMsgKey(oldest.seq, oldest.random, oldest.time) : '',
      MsgList: out.map((m) => roamEntry(m, m.from === op ? (conv?.peerReadSeq ?? 0) : (conv?.readSeq ?? 0))),
    };
  });

  registry.register('openim/admin_msgwithdraw', async (ctx, body) => {
    const from = str(body, 'From_Account', Codes.BAD_FROM_ACCOUNT)!;
    const to = str(body, 'To_Account', Codes.BAD_TO_ACCOUNT)!;
    const key = str(body, 'MsgKey', Codes.BAD_MSG_KEY)!;
    await c2c.revoke(ctx.app.sdkAppId, ctx.identifier, to, key, { admin: true, windowSeconds: 0, owner: from });
    return {};
  });

  registry.register('openim/admin_set_msg_read', async (ctx, body) => {
    const reader = str(body, 'Report_Account', Codes.BAD_FROM_ACCOUNT)!;
    const peer = str(body, 'Peer_Account', Codes.BAD_TO_ACCOUNT)!;
    const rawTime = body['MsgReadTime'];
    const readTime = rawTime === undefined ? undefined : Number(rawTime);
    if (readTime !== undefined && !Number.isInteger(readTime)) throw new ParleyError(Codes.JSON_PARSE_FAILED, 'MsgReadTime must be Unix seconds');
    let seq: number | undefined;
    if (readTime !== undefined) {
      const page = await store.messages.history(ctx.app.sdkAppId, c2cConvId(reader, peer), undefined, 200);
      seq = page.find((m) => m.time <= readTime)?.seq ?? 0;
      if (seq === 0) return {};
    }
    await c2c.setRead(ctx.app.sdkAppId, reader, peer, seq);
    return {};
  });

  registry.register('openim/get_c2c_unread_msg_num', async (ctx, body) => {
    const user = str(body, 'To_Account', Codes.BAD_TO_ACCOUNT)!;
    const peers = body['Peer_Account_List'] === undefined ? undefined : userList(body, 'Peer_Account_List', 10);
    const convs = (await store.messages.conversations(ctx.app.sdkAppId, user, 1000)).filter((c) => c.convId.startsWith('c2c:'));
    const peerOf = (convId: string) => convId.split(':').slice(1).find((p) => p !== user) ?? user;
    const all = convs.reduce((n, c) => n + c.unreadCount, 0);
    const list = peers
      ? peers.map((p) => ({ Peer_Account: p, C2CUnreadMsgNum: convs.find((c) => c.convId === c2cConvId(user, p))?.unreadCount ?? 0 }))
      : convs.filter((c) => c.unreadCount > 0).map((c) => ({ Peer_Account: peerOf(c.convId), C2CUnreadMsgNum: c.unreadCount }));
    return { AllC2CUnreadMsgNum: all, C2CUnreadMsgNumList: list };
  });

  const queryOnline = async (ctx: RestContext, body: Record<string, unknown>) => {
    const users = userList(body, 'To_Account', 500);
    const detail = body['IsNeedDetail'] === 1;
    const known = await store.accounts.getAccounts(ctx.app.sdkAppId, users.filter(isValidUserID));
    const online = await services.sessions.onlineOf(ctx.app.sdkAppId, [...known.keys()]);
    const result: Record<string, unknown>[] = [];
    const errors: { To_Account: string; ErrorCode: number }[] = [];
    for (const u of users) {
      if (!known.has(u)) {
        errors.push({ To_Account: u, ErrorCode: Codes.ACCOUNT_NOT_FOUND.code });
        continue;
      }
      const sessions = online.get(u) ?? [];
      const state = sessions.length > 0 ? 'Online' : 'Offline';
      // Tencent's JSON says State, its field table (and OpenAPI file) Status: both are sent.
      const entry: Record<string, unknown> = { To_Account: u, State: state, Status: state };
      if (detail && sessions.length > 0) entry['Detail'] = sessions.map((s) => ({ Platform: s.platform, Status: 'Online' }));
      result.push(entry);
    }
    return errors.length > 0 ? { QueryResult: result, ErrorList: errors } : { QueryResult: result };
  };
  registry.register('openim/query_online_status', queryOnline);
  registry.register('openim/querystate', queryOnline);
}
