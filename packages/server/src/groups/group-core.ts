/**
 * @module groups/group-core
 * What every part of the group module shares: its dependencies, the messaging/tips/notices
 * helpers, and the lookups every operation starts with (the group, the caller's rank in it) plus
 * the permission checks built on the rules matrix. Checks throw before anything is written.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { RoomRate } from '../cluster/room-rate.ts';
import type { AccountDirectory } from '../core/account-directory.ts';
import type { SessionRegistry } from '../core/session-registry.ts';
import type { LiveRooms } from '../live/live-rooms.ts';
import type { GroupCommitter } from '../messaging/group-commit.ts';
import type { Logger } from '../observability/logger.ts';
import type { Presence } from '../presence/presence.ts';
import type { GroupRecord, MemberRecord } from '../store/group-store.ts';
import type { Store } from '../store/store.ts';
import type { Actor } from './actor.ts';
import { noGroupHooks, type GroupMessageHooks } from './group-hooks.ts';
import { isWellFormedGroupID } from './group-id.ts';
import { GroupMessaging, groupConvId } from './group-messages.ts';
import { GroupNotices } from './group-notices.ts';
import { GroupTips } from './group-tips.ts';
import { atLeast, GROUP_RULES, type GroupTypeRules, type Rank, type Who } from './group-types.ts';

export interface GroupDeps {
  store: Store;
  committer: GroupCommitter;
  sessions: SessionRegistry;
  directory: AccountDirectory;
  presence: Presence;
  /** Read at each use, so the live engine (or a test's fake) can be swapped in after start-up. */
  liveRooms: () => LiveRooms;
  logger: Logger;
  /**
   * True when other nodes may change memberships: member lists are then cached only briefly
   * (otherwise every change goes through this node and invalidates the cache at once).
   */
  clustered: boolean;
  /** A syncGroups cursor further behind than this is told to page history instead. */
  maxSyncGap: number;
  /** Cluster-wide group attribute write buckets (Redis); absent on one node (groups/group-attr-rate.ts). */
  attrRate?: RoomRate;
  /** Unix ms. */
  now: () => number;
}

export interface Standing {
  rank: Rank;
  member: MemberRecord | undefined;
}

export class GroupCore {
  readonly messaging: GroupMessaging;
  readonly tips: GroupTips;
  readonly notices: GroupNotices;
  /** The before/after send seam (callbacks module): replace to wire webhooks. */
  hooks: GroupMessageHooks = noGroupHooks;

  constructor(readonly deps: GroupDeps) {
    this.messaging = new GroupMessaging(deps.store, deps.committer, deps.sessions, () => this.hooks, deps.now, deps.clustered ? 250 : 60_000);
    this.tips = new GroupTips(this.messaging, deps.now);
    this.notices = new GroupNotices(deps.committer, deps.sessions, deps.now);
  }

  get store(): Store {
    return this.deps.store;
  }

  get live(): LiveRooms {
    return this.deps.liveRooms();
  }

  nowSeconds(): number {
    return Math.floor(this.deps.now() / 1000);
  }

  /** The group, or 10015 (malformed ID) / 10010 (no such group). */
  async load(sdkAppId: number, groupId: unknown): Promise<GroupRecord> {
    if (!isWellFormedGroupID(groupId)) throw new ParleyError(Codes.GROUP_INVALID_ID);
    const g = await this.store.groups.getGroup(sdkAppId, groupId);
    if (!g) throw new ParleyError(Codes.GROUP_NOT_FOUND, `Group ${groupId} does not exist`);
    return g;
  }

  rules(group: GroupRecord): GroupTypeRules {
    return GROUP_RULES[group.type];
  }

  /** The caller's rank: app admins (and the REST admin) outrank the owner everywhere. */
  async standing(actor: Actor, group: GroupRecord): Promise<Standing> {
    const member = this.rules(group).live ? undefined : await this.store.groups.getMember(group.sdkAppId, group.groupId, actor.userID);
    let rank: Rank = 'none';
    if (actor.appAdmin) rank = 'appAdmin';
    else if (group.owner !== '' && group.owner === actor.userID) rank = 'owner';
    else if (member?.role === 'Owner') rank = 'owner';
    else if (member?.role === 'Admin') rank = 'admin';
    else if (member) rank = 'member';
    return { rank, member };
  }

  /** 10007 unless `rank` reaches `who`; 'nobody' means the type has no such operation. */
  require(who: Who, rank: Rank, what: string): void {
    if (who === 'nobody') throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${what} is not supported for this group type`);
    if (!atLeast(rank, who)) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${what} needs the ${who === 'appAdmin' ? 'app admin' : who} role`);
  }

  /** 10007 for operations live rooms do not have (member lists, history-free types). */
  requireStored(group: GroupRecord, what: string): void {
    if (this.rules(group).live) throw new ParleyError(Codes.GROUP_PERMISSION_DENIED, `${what} is not supported for ${group.type}`);
  }

  /** Whether `rank` may act on a member holding `targetRole` (admins only on plain members). */
  outranks(rank: Rank, targetRole: MemberRecord['role'] | undefined): boolean {
    if (rank === 'appAdmin') return true;
    if (rank === 'owner') return targetRole !== 'Owner';
    if (rank === 'admin') return targetRole === 'Member' || targetRole === undefined;
    return false;
  }

  /** Users among `ids` that do not exist in the app. */
  async unknownUsers(sdkAppId: number, ids: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of ids) if (!(await this.deps.directory.exists(sdkAppId, id))) out.push(id);
    return out;
  }

  /** Changes membership on this node's view: drop cached member lists. */
  membershipChanged(group: GroupRecord): void {
    this.messaging.invalidate(group.sdkAppId, group.groupId);
  }

  /**
   * Deletes the group (dismissal, or the last member leaving a Work group); GroupStore.deleteGroup
   * records the purge of its stored messages and read cursors in the same transaction, and the
   * caller runs it with `purgePending` once the group's notices are out. The former member IDs,
   * or undefined when the group was already gone. A purge that fails (or a crash before it ends)
   * stays pending and is finished at the next start-up or when the ID is created again; until
   * then the ID cannot be reused, so a new group never shows the old one's messages.
   */
  async removeGroup(group: GroupRecord): Promise<string[] | undefined> {
    const members = await this.store.groups.deleteGroup(group.sdkAppId, group.groupId);
    if (members === undefined) return undefined;
    this.membershipChanged(group);
    return members;
  }

  /** Finishes pending purges of dismissed groups (of one group when `only` is given); how many were done. */
  async purgePending(only?: { sdkAppId: number; groupId: string }, batch = 100): Promise<number> {
    let done = 0;
    for (;;) {
      const pending = await this.store.groups.pendingPurges(batch, only);
      for (const p of pending) {
        try {
          await this.store.messages.purgeConversation(p.sdkAppId, groupConvId(p.groupId), p.upToSeq);
          await this.store.groups.finishPurge(p.sdkAppId, p.groupId, p.upToSeq);
          done++;
        } catch (err) {
          this.deps.logger.error({ err, sdkAppId: p.sdkAppId, groupId: p.groupId }, 'purging a dismissed group failed; it stays pending');
          return done;
        }
      }
      if (only || pending.length < batch) return done;
    }
  }

  /** New members start reading at the current end of history (so old messages are not unread). */
  async startReadingAtEnd(group: GroupRecord, userIDs: readonly string[]): Promise<void> {
    if (this.rules(group).live || userIDs.length === 0) return;
    const last = await this.messaging.lastSeq(group.sdkAppId, group.groupId);
    if (last === 0) return;
    for (const u of userIDs) await this.messaging.setRead(group.sdkAppId, group.groupId, u, last);
  }
}

/** The mute end for a `muteTime` in seconds (0 unmutes; 4294967295 is permanent). */
export function muteUntilFor(muteTime: number, nowSeconds: number): number {
  if (muteTime <= 0) return 0;
  if (muteTime >= 0xffffffff) return 0xffffffff;
  return nowSeconds + muteTime;
}
