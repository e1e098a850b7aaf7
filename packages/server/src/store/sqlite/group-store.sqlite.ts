/**
 * @module store/sqlite/group-store.sqlite
 * GroupStore on SQLite: `chat_groups` (one row per group, with a maintained member count),
 * `group_members`, `group_mutes` and `group_applications`. Every multi-row change is one
 * transaction; better-sqlite3 runs them synchronously, so a capacity check and the insert it guards
 * cannot interleave with another writer in this process.
 */
import type { GroupRole, GroupType, JoinOption, MsgFlag } from '@parley/protocol';
import type {
  AddMembersResult,
  ApplicationRecord,
  GroupPatch,
  GroupPurge,
  GroupRecord,
  GroupStore,
  JoinedGroup,
  MemberPatch,
  MemberRecord,
  NewGroup,
  NewMember,
} from '../group-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

interface GroupRow {
  id: number;
  sdk_app_id: number;
  group_id: string;
  type: string;
  name: string;
  introduction: string;
  notification: string;
  face_url: string;
  owner: string;
  creator: string;
  created_at: number;
  last_info_time: number;
  info_seq: number;
  max_members: number;
  join_option: string;
  mute_all: number;
  app_data: string;
  member_count: number;
}

interface MemberRow {
  user_id: string;
  role: string;
  join_time: number;
  name_card: string;
  msg_flag: string;
  read_seq: number;
  unread_extra: number;
  hidden_up_to: number;
  app_data: string;
  mute_until: number | null;
}

function toGroup(r: GroupRow): GroupRecord {
  return {
    sdkAppId: r.sdk_app_id,
    groupId: r.group_id,
    type: r.type as GroupType,
    name: r.name,
    introduction: r.introduction,
    notification: r.notification,
    faceUrl: r.face_url,
    owner: r.owner,
    creator: r.creator,
    createdAt: r.created_at,
    lastInfoTime: r.last_info_time,
    infoSeq: r.info_seq,
    maxMembers: r.max_members,
    joinOption: r.join_option as JoinOption,
    muteAll: r.mute_all !== 0,
    appDefinedData: JSON.parse(r.app_data) as Record<string, string>,
    memberCount: r.member_count,
  };
}

function toMember(r: MemberRow): MemberRecord {
  return {
    userID: r.user_id,
    role: r.role as GroupRole,
    joinTime: r.join_time,
    nameCard: r.name_card,
    msgFlag: r.msg_flag as MsgFlag,
    muteUntil: r.mute_until ?? 0,
    readSeq: r.read_seq,
    unreadExtra: r.unread_extra,
    hiddenUpTo: r.hidden_up_to,
    appMemberDefinedData: JSON.parse(r.app_data) as Record<string, string>,
  };
}

function mergeData(current: Record<string, string>, patch: Record<string, string>): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

const MEMBER_COLUMNS = `m.user_id, m.role, m.join_time, m.name_card, m.msg_flag, m.read_seq, m.unread_extra, m.hidden_up_to, m.app_data,
  (SELECT until FROM group_mutes u WHERE u.sdk_app_id = m.sdk_app_id AND u.group_id = m.group_id AND u.user_id = m.user_id) AS mute_until`;

export class SqliteGroupStore implements GroupStore {
  private readonly s;
  private readonly createTx;
  private readonly updateTx;
  private readonly deleteTx;
  private readonly addMembersTx;
  private readonly removeMembersTx;
  private readonly updateMemberTx;
  private readonly setMuteTx;
  private readonly transferTx;
  private readonly resolveTx;

  constructor(db: SqliteDatabase) {
    const p = <R = unknown>(sql: string) => db.prepare<unknown[], R>(sql);
    this.s = {
      group: p<GroupRow>('SELECT * FROM chat_groups WHERE sdk_app_id = ? AND group_id = ?'),
      groups: p<GroupRow>('SELECT * FROM chat_groups WHERE sdk_app_id = ? AND group_id IN (SELECT value FROM json_each(?))'),
      purgePending: p<{ up_to_seq: number }>('SELECT up_to_seq FROM group_purges WHERE sdk_app_id = ? AND group_id = ?'),
      // The dismissed group's last sequence: every message up to it is purged.
      lastSeq: p<{ m: number | null }>(`SELECT MAX(seq) AS m FROM messages
        WHERE conv = (SELECT id FROM conversations WHERE sdk_app_id = ? AND conv_id = ?)`),
      addPurge: p(`INSERT INTO group_purges (sdk_app_id, group_id, up_to_seq) VALUES (?,?,?)
        ON CONFLICT (sdk_app_id, group_id) DO UPDATE SET up_to_seq = MAX(up_to_seq, excluded.up_to_seq)`),
      purges: p<{ sdk_app_id: number; group_id: string; up_to_seq: number }>(
        'SELECT sdk_app_id, group_id, up_to_seq FROM group_purges ORDER BY sdk_app_id, group_id LIMIT ?',
      ),
      finishPurge: p('DELETE FROM group_purges WHERE sdk_app_id = ? AND group_id = ? AND up_to_seq <= ?'),
      insertGroup: p(`INSERT OR IGNORE INTO chat_groups (sdk_app_id, group_id, type, name, introduction, notification, face_url, owner, creator,
        created_at, last_info_time, info_seq, max_members, join_option, mute_all, app_data, member_count)
        VALUES (:app, :gid, :type, :name, :intro, :notif, :face, :owner, :creator, :created, :created, 1, :max, :join, :muteAll, :data, 0)`),
      updateGroup: p(`UPDATE chat_groups SET name = :name, introduction = :intro, notification = :notif, face_url = :face, owner = :owner,
        max_members = :max, join_option = :join, mute_all = :muteAll, app_data = :data, info_seq = info_seq + 1, last_info_time = :now
        WHERE sdk_app_id = :app AND group_id = :gid`),
      addCount: p('UPDATE chat_groups SET member_count = member_count + ? WHERE sdk_app_id = ? AND group_id = ?'),
      deleteGroup: p('DELETE FROM chat_groups WHERE sdk_app_id = ? AND group_id = ?'),
      deleteAllMembers: p('DELETE FROM group_members WHERE sdk_app_id = ? AND group_id = ?'),
      deleteAllMutes: p('DELETE FROM group_mutes WHERE sdk_app_id = ? AND group_id = ?'),
      deleteAllApplications: p('DELETE FROM group_applications WHERE sdk_app_id = ? AND group_id = ?'),
      deleteAttrs: p('DELETE FROM group_attrs WHERE sdk_app_id = ? AND group_id = ?'),
      listGroups: p<{ id: number; group_id: string }>(
        'SELECT id, group_id FROM chat_groups WHERE sdk_app_id = ? AND (? IS NULL OR type = ?) AND id > ? ORDER BY id LIMIT ?',
      ),
      countGroups: p<{ n: number }>('SELECT COUNT(*) AS n FROM chat_groups WHERE sdk_app_id = ? AND (? IS NULL OR type = ?)'),
      insertMember: p(`INSERT OR IGNORE INTO group_members (sdk_app_id, group_id, user_id, role, join_time, name_card, msg_flag, read_seq,
        unread_extra, app_data) VALUES (?,?,?,?,?,?,?,?,?,?)`),
      deleteMember: p('DELETE FROM group_members WHERE sdk_app_id = ? AND group_id = ? AND user_id = ?'),
      deleteApplication: p('DELETE FROM group_applications WHERE sdk_app_id = ? AND group_id = ? AND applicant = ?'),
      member: p<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM group_members m WHERE m.sdk_app_id = ? AND m.group_id = ? AND m.user_id = ?`),
      members: p<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM group_members m
        WHERE m.sdk_app_id = ? AND m.group_id = ? AND m.user_id IN (SELECT value FROM json_each(?))`),
      listMembers: p<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM group_members m
        WHERE m.sdk_app_id = ? AND m.group_id = ? AND (? IS NULL OR m.role IN (SELECT value FROM json_each(?)))
        ORDER BY (m.role = 'Owner') DESC, m.join_time, m.user_id LIMIT ? OFFSET ?`),
      countMembers: p<{ n: number }>(`SELECT COUNT(*) AS n FROM group_members m
        WHERE m.sdk_app_id = ? AND m.group_id = ? AND (? IS NULL OR m.role IN (SELECT value FROM json_each(?)))`),
      memberIds: p<{ user_id: string }>('SELECT user_id FROM group_members WHERE sdk_app_id = ? AND group_id = ?'),
      updateMember: p(`UPDATE group_members SET role = :role, name_card = :card, msg_flag = :flag, read_seq = :readSeq,
        unread_extra = :extra, hidden_up_to = :hidden, app_data = :data
        WHERE sdk_app_id = :app AND group_id = :gid AND user_id = :user`),
      setMute: p(`INSERT INTO group_mutes (sdk_app_id, group_id, user_id, until) VALUES (?,?,?,?)
        ON CONFLICT (sdk_app_id, group_id, user_id) DO UPDATE SET until = excluded.until`),
      clearMute: p('DELETE FROM group_mutes WHERE sdk_app_id = ? AND group_id = ? AND user_id = ?'),
      muted: p<{ user_id: string; until: number }>('SELECT user_id, until FROM group_mutes WHERE sdk_app_id = ? AND group_id = ? AND until > ? ORDER BY user_id'),
      muteOf: p<{ until: number }>('SELECT until FROM group_mutes WHERE sdk_app_id = ? AND group_id = ? AND user_id = ?'),
      setOwner: p('UPDATE chat_groups SET owner = ?, info_seq = info_seq + 1, last_info_time = ? WHERE sdk_app_id = ? AND group_id = ?'),
      setRole: p('UPDATE group_members SET role = ? WHERE sdk_app_id = ? AND group_id = ? AND user_id = ?'),
      joined: p<GroupRow & { m_user: string; m_role: string; m_join: number; m_card: string; m_flag: string; m_read: number; m_extra: number; m_hidden: number; m_data: string; m_mute: number | null }>(
        `SELECT g.*, m.user_id AS m_user, m.role AS m_role, m.join_time AS m_join, m.name_card AS m_card, m.msg_flag AS m_flag,
          m.read_seq AS m_read, m.unread_extra AS m_extra, m.hidden_up_to AS m_hidden, m.app_data AS m_data,
          (SELECT until FROM group_mutes u WHERE u.sdk_app_id = m.sdk_app_id AND u.group_id = m.group_id AND u.user_id = m.user_id) AS m_mute
        FROM group_members m JOIN chat_groups g ON g.sdk_app_id = m.sdk_app_id AND g.group_id = m.group_id
        WHERE m.sdk_app_id = ? AND m.user_id = ? ORDER BY m.join_time DESC, g.id DESC`,
      ),
      upsertApplication: p(`INSERT INTO group_applications (sdk_app_id, group_id, applicant, message, time) VALUES (?,?,?,?,?)
        ON CONFLICT (sdk_app_id, group_id, applicant) DO UPDATE SET message = excluded.message, time = excluded.time`),
      application: p<{ group_id: string; applicant: string; message: string; time: number }>(
        'SELECT group_id, applicant, message, time FROM group_applications WHERE sdk_app_id = ? AND group_id = ? AND applicant = ?',
      ),
      applications: p<{ group_id: string; applicant: string; message: string; time: number }>(
        `SELECT group_id, applicant, message, time FROM group_applications
        WHERE sdk_app_id = ? AND group_id IN (SELECT value FROM json_each(?)) ORDER BY time, group_id, applicant`,
      ),
    };

    const insertMembers = (app: number, gid: string, members: NewMember[]): string[] => {
      const added: string[] = [];
      for (const m of members) {
        const r = this.s.insertMember.run(
          app, gid, m.userID, m.role, m.joinTime, m.nameCard ?? '', m.msgFlag ?? 'AcceptAndNotify', m.readSeq ?? 0, m.unreadExtra ?? 0,
          JSON.stringify(m.appMemberDefinedData ?? {}),
        );
        if (r.changes > 0) added.push(m.userID);
      }
      if (added.length > 0) this.s.addCount.run(added.length, app, gid);
      return added;
    };

    this.createTx = db.transaction((g: NewGroup, members: NewMember[]): 'created' | 'exists' => {
      // A dismissed group of this ID whose messages are still being purged keeps the ID taken.
      if (this.s.purgePending.get(g.sdkAppId, g.groupId)) return 'exists';
      const r = this.s.insertGroup.run({
        app: g.sdkAppId, gid: g.groupId, type: g.type, name: g.name, intro: g.introduction, notif: g.notification, face: g.faceUrl,
        owner: g.owner, creator: g.creator, created: g.createdAt, max: g.maxMembers, join: g.joinOption, muteAll: g.muteAll ? 1 : 0,
        data: JSON.stringify(g.appDefinedData),
      });
      if (r.changes === 0) return 'exists';
      insertMembers(g.sdkAppId, g.groupId, members);
      return 'created';
    });

    this.updateTx = db.transaction((app: number, gid: string, patch: GroupPatch, now: number): GroupRecord | undefined => {
      const row = this.s.group.get(app, gid);
      if (!row) return undefined;
      const g = toGroup(row);
      this.s.updateGroup.run({
        app, gid, now,
        name: patch.name ?? g.name,
        intro: patch.introduction ?? g.introduction,
        notif: patch.notification ?? g.notification,
        face: patch.faceUrl ?? g.faceUrl,
        owner: patch.owner ?? g.owner,
        max: patch.maxMembers ?? g.maxMembers,
        join: patch.joinOption ?? g.joinOption,
        muteAll: (patch.muteAll ?? g.muteAll) ? 1 : 0,
        data: JSON.stringify(patch.appDefinedData ? mergeData(g.appDefinedData, patch.appDefinedData) : g.appDefinedData),
      });
      return toGroup(this.s.group.get(app, gid)!);
    });

    this.deleteTx = db.transaction((app: number, gid: string): string[] | undefined => {
      if (!this.s.group.get(app, gid)) return undefined;
      const ids = this.s.memberIds.all(app, gid).map((r) => r.user_id);
      this.s.deleteAllMembers.run(app, gid);
      this.s.deleteAllMutes.run(app, gid);
      this.s.deleteAllApplications.run(app, gid);
      this.s.deleteAttrs.run(app, gid);
      this.s.deleteGroup.run(app, gid);
      const last = this.s.lastSeq.get(app, `group:${gid}`)?.m ?? 0;
      if (last > 0) this.s.addPurge.run(app, gid, last);
      return ids;
    });

    this.addMembersTx = db.transaction((app: number, gid: string, members: NewMember[], max: number): AddMembersResult => {
      const row = this.s.group.get(app, gid);
      if (!row) return { ok: false, reason: 'missing' };
      const unique = [...new Map(members.map((m) => [m.userID, m])).values()];
      const present = new Set(this.s.members.all(app, gid, JSON.stringify(unique.map((m) => m.userID))).map((r) => r.user_id));
      const fresh = unique.filter((m) => !present.has(m.userID));
      if (max > 0 && row.member_count + fresh.length > max) return { ok: false, reason: 'full' };
      const added = insertMembers(app, gid, fresh);
      for (const id of added) this.s.deleteApplication.run(app, gid, id);
      return { ok: true, added, existing: unique.filter((m) => present.has(m.userID)).map((m) => m.userID) };
    });

    this.removeMembersTx = db.transaction((app: number, gid: string, userIDs: string[]): string[] => {
      const removed: string[] = [];
      for (const id of new Set(userIDs)) {
        if (this.s.deleteMember.run(app, gid, id).changes > 0) removed.push(id);
        this.s.deleteApplication.run(app, gid, id);
      }
      if (removed.length > 0) this.s.addCount.run(-removed.length, app, gid);
      return removed;
    });

    this.updateMemberTx = db.transaction((app: number, gid: string, user: string, patch: MemberPatch): boolean => {
      const row = this.s.member.get(app, gid, user);
      if (!row) return false;
      const m = toMember(row);
      this.s.updateMember.run({
        app, gid, user,
        role: patch.role ?? m.role,
        card: patch.nameCard ?? m.nameCard,
        flag: patch.msgFlag ?? m.msgFlag,
        readSeq: Math.max(m.readSeq, patch.readSeq ?? 0),
        extra: patch.unreadExtra ?? m.unreadExtra,
        hidden: patch.hiddenUpTo ?? m.hiddenUpTo,
        data: JSON.stringify(patch.appMemberDefinedData ? mergeData(m.appMemberDefinedData, patch.appMemberDefinedData) : m.appMemberDefinedData),
      });
      return true;
    });

    this.setMuteTx = db.transaction((app: number, gid: string, userIDs: string[], until: number) => {
      for (const id of new Set(userIDs)) {
        if (until > 0) this.s.setMute.run(app, gid, id, until);
        else this.s.clearMute.run(app, gid, id);
      }
    });

    this.transferTx = db.transaction((app: number, gid: string, newOwner: string, now: number): boolean => {
      const row = this.s.group.get(app, gid);
      if (!row || !this.s.member.get(app, gid, newOwner)) return false;
      if (row.owner !== '' && row.owner !== newOwner) this.s.setRole.run('Member', app, gid, row.owner);
      this.s.setRole.run('Owner', app, gid, newOwner);
      this.s.setOwner.run(newOwner, now, app, gid);
      return true;
    });

    this.resolveTx = db.transaction((
      app: number, gid: string, applicant: string, decision: 'approve' | 'reject', member: NewMember, max: number,
    ): 'approved' | 'rejected' | 'missing' | 'full' | 'already' => {
      const row = this.s.group.get(app, gid);
      if (!row || !this.s.application.get(app, gid, applicant)) return 'missing';
      if (decision === 'reject') {
        this.s.deleteApplication.run(app, gid, applicant);
        return 'rejected';
      }
      if (this.s.member.get(app, gid, applicant)) {
        this.s.deleteApplication.run(app, gid, applicant);
        return 'already';
      }
      if (max > 0 && row.member_count + 1 > max) return 'full';
      insertMembers(app, gid, [member]);
      this.s.deleteApplication.run(app, gid, applicant);
      return 'approved';
    });
  }

  async createGroup(group: NewGroup, members: NewMember[]): Promise<'created' | 'exists'> {
    return this.createTx(group, members);
  }

  async getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined> {
    const row = this.s.group.get(sdkAppId, groupId);
    return row ? toGroup(row) : undefined;
  }

  async getGroups(sdkAppId: number, groupIds: string[]): Promise<Map<string, GroupRecord>> {
    const out = new Map<string, GroupRecord>();
    if (groupIds.length === 0) return out;
    for (const row of this.s.groups.all(sdkAppId, JSON.stringify(groupIds))) out.set(row.group_id, toGroup(row));
    return out;
  }

  async updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch, now: number): Promise<GroupRecord | undefined> {
    return this.updateTx(sdkAppId, groupId, patch, now);
  }

  async deleteGroup(sdkAppId: number, groupId: string): Promise<string[] | undefined> {
    return this.deleteTx(sdkAppId, groupId);
  }

  async pendingPurges(limit: number, only?: { sdkAppId: number; groupId: string }): Promise<GroupPurge[]> {
    if (only) {
      const r = this.s.purgePending.get(only.sdkAppId, only.groupId);
      return r && limit > 0 ? [{ sdkAppId: only.sdkAppId, groupId: only.groupId, upToSeq: r.up_to_seq }] : [];
    }
    return this.s.purges.all(limit).map((r) => ({ sdkAppId: r.sdk_app_id, groupId: r.group_id, upToSeq: r.up_to_seq }));
  }

  async finishPurge(sdkAppId: number, groupId: string, upToSeq: number): Promise<void> {
    this.s.finishPurge.run(sdkAppId, groupId, upToSeq);
  }

  async listGroups(sdkAppId: number, opts: { type?: GroupType; next: number; limit: number }): Promise<{ groupIds: string[]; next: number; total: number }> {
    const type = opts.type ?? null;
    const rows = opts.limit > 0 ? this.s.listGroups.all(sdkAppId, type, type, opts.next, opts.limit + 1) : [];
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit);
    const total = this.s.countGroups.get(sdkAppId, type, type)?.n ?? 0;
    return { groupIds: page.map((r) => r.group_id), next: more ? page[page.length - 1]!.id : 0, total };
  }

  async addMembers(sdkAppId: number, groupId: string, members: NewMember[], maxMembers: number): Promise<AddMembersResult> {
    return this.addMembersTx(sdkAppId, groupId, members, maxMembers);
  }

  async removeMembers(sdkAppId: number, groupId: string, userIDs: string[]): Promise<string[]> {
    return this.removeMembersTx(sdkAppId, groupId, userIDs);
  }

  async getMember(sdkAppId: number, groupId: string, userID: string): Promise<MemberRecord | undefined> {
    const row = this.s.member.get(sdkAppId, groupId, userID);
    return row ? toMember(row) : undefined;
  }

  async getMembers(sdkAppId: number, groupId: string, userIDs: string[]): Promise<Map<string, MemberRecord>> {
    const out = new Map<string, MemberRecord>();
    if (userIDs.length === 0) return out;
    for (const row of this.s.members.all(sdkAppId, groupId, JSON.stringify(userIDs))) out.set(row.user_id, toMember(row));
    return out;
  }

  async listMembers(sdkAppId: number, groupId: string, opts: { offset: number; limit: number; roles?: GroupRole[] }): Promise<{ members: MemberRecord[]; total: number }> {
    const roles = opts.roles && opts.roles.length > 0 ? JSON.stringify(opts.roles) : null;
    const members = opts.limit > 0 ? this.s.listMembers.all(sdkAppId, groupId, roles, roles, opts.limit, opts.offset).map(toMember) : [];
    const total = this.s.countMembers.get(sdkAppId, groupId, roles, roles)?.n ?? 0;
    return { members, total };
  }

  async memberIds(sdkAppId: number, groupId: string): Promise<string[]> {
    return this.s.memberIds.all(sdkAppId, groupId).map((r) => r.user_id);
  }

  async updateMember(sdkAppId: number, groupId: string, userID: string, patch: MemberPatch): Promise<boolean> {
    return this.updateMemberTx(sdkAppId, groupId, userID, patch);
  }

  async setMute(sdkAppId: number, groupId: string, userIDs: string[], until: number): Promise<void> {
    this.setMuteTx(sdkAppId, groupId, userIDs, until);
  }

  async mutedMembers(sdkAppId: number, groupId: string, now: number): Promise<{ userID: string; until: number }[]> {
    return this.s.muted.all(sdkAppId, groupId, now).map((r) => ({ userID: r.user_id, until: r.until }));
  }

  async muteUntil(sdkAppId: number, groupId: string, userID: string): Promise<number> {
    return this.s.muteOf.get(sdkAppId, groupId, userID)?.until ?? 0;
  }

  async transferOwner(sdkAppId: number, groupId: string, newOwner: string, now: number): Promise<boolean> {
    return this.transferTx(sdkAppId, groupId, newOwner, now);
  }

  async joinedGroups(sdkAppId: number, userID: string): Promise<JoinedGroup[]> {
    return this.s.joined.all(sdkAppId, userID).map((r) => ({
      group: toGroup(r),
      self: toMember({
        user_id: r.m_user, role: r.m_role, join_time: r.m_join, name_card: r.m_card, msg_flag: r.m_flag,
        read_seq: r.m_read, unread_extra: r.m_extra, hidden_up_to: r.m_hidden, app_data: r.m_data, mute_until: r.m_mute,
      }),
    }));
  }

  async addApplication(sdkAppId: number, app: ApplicationRecord): Promise<void> {
    this.s.upsertApplication.run(sdkAppId, app.groupId, app.applicant, app.message, app.time);
  }

  async getApplication(sdkAppId: number, groupId: string, applicant: string): Promise<ApplicationRecord | undefined> {
    const r = this.s.application.get(sdkAppId, groupId, applicant);
    return r ? { groupId: r.group_id, applicant: r.applicant, message: r.message, time: r.time } : undefined;
  }

  async listApplications(sdkAppId: number, groupIds: string[]): Promise<ApplicationRecord[]> {
    if (groupIds.length === 0) return [];
    return this.s.applications.all(sdkAppId, JSON.stringify(groupIds)).map((r) => ({
      groupId: r.group_id, applicant: r.applicant, message: r.message, time: r.time,
    }));
  }

  async resolveApplication(
    sdkAppId: number, groupId: string, applicant: string, decision: 'approve' | 'reject', member: NewMember, maxMembers: number,
  ): Promise<'approved' | 'rejected' | 'missing' | 'full' | 'already'> {
    return this.resolveTx(sdkAppId, groupId, applicant, decision, member, maxMembers);
  }
}
