/**
 * @module groups/group-import
 * Migrating groups from another system (import_group, import_group_member): the records are
 * written as they were — creation and join times, roles, unread counts — without tips, system
 * notices or webhooks. Live rooms keep no stored profile or members, so they cannot be imported
 * (10007, as Tencent). Every entry is checked before anything is written.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { GroupRecord, NewMember } from '../store/group-store.ts';
import type { Actor } from './actor.ts';
import type { GroupCore } from './group-core.ts';
import type { CreateGroupInput, GroupLifecycle } from './group-lifecycle.ts';
import { GROUP_RULES, normalizeGroupType } from './group-types.ts';

export interface ImportedMember {
  userID: string;
  role?: unknown;
  joinTime?: unknown;
  unreadMsgNum?: unknown;
}

/** Per member: 0 failed (no such user), 1 imported, 2 already a member — Tencent's `Result`. */
export type ImportResult = 0 | 1 | 2;

function bad(message: string): never {
  throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, message);
}

/** An optional Unix time no later than now (and not before `floor`). */
function pastTime(v: unknown, name: string, now: number, floor = 1): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) bad(`${name} must be an integer (Unix seconds)`);
  if (v > now) bad(`${name} is in the future`);
  if (v < floor) bad(floor > 1 ? `${name} is before the group was created` : `${name} must be positive`);
  return v;
}

export class GroupImport {
  constructor(private readonly core: GroupCore, private readonly lifecycle: GroupLifecycle) {}

  /** import_group: create_group's rules, with the group's own CreateTime (default now). */
  async group(actor: Actor, input: Omit<CreateGroupInput, 'members' | 'maxInitialMembers' | 'imported'> & { createTime?: unknown }): Promise<GroupRecord> {
    const type = normalizeGroupType(input.type ?? 'Private');
    if (type && GROUP_RULES[type].live) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${type} groups cannot be imported; create one instead`);
    const createdAt = pastTime(input.createTime, 'CreateTime', this.core.nowSeconds()) ?? this.core.nowSeconds();
    return this.lifecycle.create(actor, { ...input, members: [], maxInitialMembers: 0, imported: { createdAt } });
  }

  /**
   * import_group_member: up to `max` members with their join times, roles and unread counts.
   * Unknown users are reported (0), present members left alone (2); a full group refuses all (10014).
   */
  async members(actor: Actor, groupId: unknown, list: ImportedMember[], max: number): Promise<Map<string, ImportResult>> {
    const { core } = this;
    const group = await core.load(actor.sdkAppId, groupId);
    const rules = core.rules(group);
    if (!rules.memberList) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `Members cannot be imported into ${group.type}`);
    if (list.length === 0) bad('MemberList is empty');
    if (list.length > max) throw new ParleyError(Codes.GROUP_TOO_MANY_ACCOUNTS, `At most ${max} members per call`);
    const now = core.nowSeconds();
    const lastSeq = await core.messaging.lastSeq(group.sdkAppId, group.groupId);
    const wanted = new Map<string, NewMember>();
    for (const m of list) {
      if (typeof m.userID !== 'string' || m.userID === '') bad('Member_Account must be a non-empty string');
      const role = m.role ?? 'Member';
      if (role !== 'Member' && role !== 'Admin') bad('Role may only be Admin (or Member)');
      if (role === 'Admin' && !rules.admins) bad(`${group.type} has no Admin role`);
      const joinTime = pastTime(m.joinTime, 'JoinTime', now, group.createdAt) ?? now;
      const unread = m.unreadMsgNum ?? 0;
      if (typeof unread !== 'number' || !Number.isInteger(unread) || unread < 0 || unread > 0xffffffff) bad('UnreadMsgNum must be a non-negative integer');
      // A member starts at the end of history; UnreadMsgNum is what it has not read (groups without unread counts keep 0).
      if (wanted.has(m.userID)) bad(`${m.userID} is listed twice`);
      wanted.set(m.userID, { userID: m.userID, role, joinTime, readSeq: lastSeq, unreadExtra: rules.unread ? unread : 0 });
    }
    const unknown = new Set(await core.unknownUsers(group.sdkAppId, [...wanted.keys()]));
    const r = await core.store.groups.addMembers(group.sdkAppId, group.groupId, [...wanted.values()].filter((m) => !unknown.has(m.userID)), group.maxMembers);
    if (!r.ok) throw new ParleyError(r.reason === 'full' ? Codes.GROUP_FULL : Codes.GROUP_NOT_FOUND);
    core.membershipChanged(group);
    await core.startReadingAtEnd(group, r.added);
    const out = new Map<string, ImportResult>();
    for (const id of wanted.keys()) out.set(id, unknown.has(id) ? 0 : r.existing.includes(id) ? 2 : 1);
    return out;
  }
}
