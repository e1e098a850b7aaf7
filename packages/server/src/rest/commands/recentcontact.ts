/**
 * @module rest/commands/recentcontact
 * `recentcontact/get_list` and `recentcontact/delete` (Tencent 1047/43951, 43952): a user's
 * conversation list, newest activity first. C2C sessions come from the message store's
 * conversation list (a deleted one stays hidden until its next message); group sessions are the
 * user's stored-history groups that have at least one message (a deleted one stays hidden, per
 * member, until the group's next message: groups/group-chat.ts `deleteConversation`). Pinning is not supported, so
 * TopFlag is always 0 and the Top* cursors stay 0.
 *
 * Paging: StartIndex is the position in the list (0 for the first page) and each page holds up
 * to 100 sessions; the answer's StartIndex and TimeStamp are what the next call sends.
 */
import { Codes, isValidUserID } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import { c2cConvId } from '../../messaging/c2c-service.ts';
import type { Services } from '../../services.ts';
import type { CommandRegistry, RestContext } from '../command-registry.ts';

export const RecentContactCodes = {
  BAD_REQUEST: { code: 50001, message: 'Invalid request parameter' },
  ACCOUNT_NOT_FOUND: { code: 50002, message: 'The UserID does not exist' },
} as const;

const PAGE = 100;
/** How many sessions a list may hold (the message store's limit for one read). */
const MAX_SESSIONS = 1000;

interface Session {
  Type: 1 | 2;
  To_Account?: string;
  GroupId?: string;
  MsgTime: number;
  TopFlag: 0;
}

function bad(message: string): never {
  throw new ParleyError(RecentContactCodes.BAD_REQUEST, message);
}

function uint(body: Record<string, unknown>, name: string, required: boolean): number {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) bad(`${name} is required`);
    return 0;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(`${name} must be a non-negative integer`);
  return v;
}

async function owner(ctx: RestContext, services: Services, body: Record<string, unknown>): Promise<string> {
  const from = body['From_Account'];
  if (from === undefined || from === null) bad('From_Account is required');
  if (typeof from !== 'string') throw new ParleyError(Codes.REST_BAD_ACCOUNT_TYPE, 'From_Account must be a string');
  if (!isValidUserID(from) || !(await services.directory.exists(ctx.app.sdkAppId, from))) {
    throw new ParleyError(RecentContactCodes.ACCOUNT_NOT_FOUND, `${from.slice(0, 40)} does not exist`);
  }
  return from;
}

async function sessions(services: Services, sdkAppId: number, user: string): Promise<Session[]> {
  const out: Session[] = [];
  for (const c of await services.store.messages.conversations(sdkAppId, user, MAX_SESSIONS)) {
    if (!c.convId.startsWith('c2c:')) continue;
    const peer = c.convId.slice(4).split(':').find((p) => p !== user) ?? user;
    out.push({ Type: 1, To_Account: peer, MsgTime: c.lastMessage.time, TopFlag: 0 });
  }
  for (const { group, self } of await services.store.groups.joinedGroups(sdkAppId, user)) {
    const last = (await services.store.messages.history(sdkAppId, `group:${group.groupId}`, undefined, 1))[0];
    // Deleted by the user (recentcontact/delete, deleteConversation) and nothing new since.
    if (last && last.seq > self.hiddenUpTo) out.push({ Type: 2, GroupId: group.groupId, MsgTime: last.time, TopFlag: 0 });
  }
  return out.sort((a, b) => b.MsgTime - a.MsgTime);
}

export function registerRecentContactCommands(registry: CommandRegistry, services: Services): void {
  registry.register('recentcontact/get_list', async (ctx, body) => {
    const user = await owner(ctx, services, body);
    uint(body, 'TimeStamp', false);
    const start = uint(body, 'StartIndex', false);
    uint(body, 'TopTimeStamp', false);
    uint(body, 'TopStartIndex', false);
    uint(body, 'AssistFlags', false);
    const all = await sessions(services, ctx.app.sdkAppId, user);
    const page = all.slice(start, start + PAGE);
    const next = start + page.length;
    const last = page[page.length - 1];
    return {
      SessionItem: page, CompleteFlag: next >= all.length ? 1 : 0,
      TimeStamp: last?.MsgTime ?? 0, StartIndex: next, TopTimeStamp: 0, TopStartIndex: 0, ErrorDisplay: '',
    };
  });

  registry.register('recentcontact/delete', async (ctx, body) => {
    const user = await owner(ctx, services, body);
    const type = body['Type'];
    if (type !== 1 && type !== 2) bad('Type must be 1 (C2C) or 2 (group)');
    const clear = body['ClearRamble'];
    if (clear !== undefined && clear !== 0 && clear !== 1) bad('ClearRamble must be 0 or 1');
    if (type === 1) {
      const peer = body['To_Account'];
      if (typeof peer !== 'string' || peer === '') bad('To_Account is required for a C2C session');
      await services.store.messages.deleteConversation(ctx.app.sdkAppId, user, c2cConvId(user, peer));
    } else {
      const groupId = body['ToGroupid'];
      if (typeof groupId !== 'string' || groupId === '') bad('ToGroupid is required for a group session');
      if (!(await services.store.groups.getGroup(ctx.app.sdkAppId, groupId))) throw new ParleyError(Codes.GROUP_NOT_FOUND);
      await services.groups.chat.deleteConversation(ctx.app.sdkAppId, user, groupId);
    }
    return { ErrorDisplay: '' };
  });
}
