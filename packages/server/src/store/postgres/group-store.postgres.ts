/**
 * @module store/postgres/group-store.postgres
 * GroupStore on PostgreSQL. Every change that depends on a group's state (capacity, owner, member
 * count) first locks the group row (SELECT ... FOR UPDATE), so nodes changing the same group queue
 * up and the group row is always the first lock taken, never a deadlock cycle. Single-row patches
 * are one UPDATE each. Text sorts use COLLATE "C" to order like the SQLite engine (bytewise).
 */
import type { GroupRole, GroupType, JoinOption, MsgFlag } from '@parley/protocol';
import type {
  AddMembersResult, ApplicationRecord, GroupPatch, GroupPurge, GroupRecord, GroupStore, JoinedGroup, MemberPatch, MemberRecord, NewGroup, NewMember,
} from '../group-store.ts';
import type { PgDatabase, Queryable } from './pg-database.ts';

interface GroupRow {
  id: number; sdk_app_id: number; group_id: string; type: string; name: string; introduction: string; notification: string;
  face_url: string; owner: string; creator: string; created_at: number; last_info_time: number; info_seq: number;
  max_members: number; join_option: string; mute_all: boolean; app_data: Record<string, string>; member_count: number;
}

interface MemberRow {
  user_id: string; role: string; join_time: number; name_card: string; msg_flag: string; read_seq: number; unread_extra: number;
  hidden_up_to: number; app_data: Record<string, string>; mute_until: number | null;
}

interface ApplicationRow { group_id: string; applicant: string; message: string; time: number }

function toGroup(r: GroupRow): GroupRecord {
  return {
    sdkAppId: r.sdk_app_id, groupId: r.group_id, type: r.type as GroupType, name: r.name, introduction: r.introduction,
    notification: r.notification, faceUrl: r.face_url, owner: r.owner, creator: r.creator, createdAt: r.created_at,
    lastInfoTime: r.last_info_time, infoSeq: r.info_seq, maxMembers: r.max_members, joinOption: r.join_option as JoinOption,
    muteAll: r.mute_all, appDefinedData: r.app_data, memberCount: r.member_count,
  };
}

function toMember(r: MemberRow): MemberRecord {
  return {
    userID: r.user_id, role: r.role as GroupRole, joinTime: r.join_time, nameCard: r.name_card, msgFlag: r.msg_flag as MsgFlag,
    muteUntil: r.mute_until ?? 0, readSeq: r.read_seq, unreadExtra: r.unread_extra,
    hiddenUpTo: r.hidden_up_to, appMemberDefinedData: r.app_data,
  };
}

const toApplication = (r: ApplicationRow): ApplicationRecord => ({ groupId: r.group_id, applicant: r.applicant, message: r.message, time: r.time });

/** A custom-data patch as SQL parameters: keys to set (jsonb) and keys to delete (an empty value deletes). */
function dataPatch(patch: Record<string, string> | undefined): [string, string[]] {
  const set: Record<string, string> = {};
  const del: string[] = [];
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === '') del.push(k);
    else set[k] = v;
  }
  return [JSON.stringify(set), del];
}

const MEMBER_SELECT = `SELECT m.user_id, m.role, m.join_time, m.name_card, m.msg_flag, m.read_seq, m.unread_extra, m.hidden_up_to, m.app_data,
    u.until AS mute_until
  FROM group_members m LEFT JOIN group_mutes u ON u.sdk_app_id = m.sdk_app_id AND u.group_id = m.group_id AND u.user_id = m.user_id`;

export class PostgresGroupStore implements GroupStore {
  constructor(private readonly db: PgDatabase) {}

  async createGroup(g: NewGroup, members: NewMember[]): Promise<'created' | 'exists'> {
    return this.db.tx(async (c) => {
      const r = await c.query(`INSERT INTO chat_groups (sdk_app_id, group_id, type, name, introduction, notification, face_url, owner, creator,
          created_at, last_info_time, max_members, join_option, mute_all, app_data)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14
        -- A dismissed group of this ID whose messages are still being purged keeps the ID taken.
        WHERE NOT EXISTS (SELECT 1 FROM group_purges WHERE sdk_app_id = $1 AND group_id = $2)
        ON CONFLICT DO NOTHING RETURNING 1`,
        [g.sdkAppId, g.groupId, g.type, g.name, g.introduction, g.notification, g.faceUrl, g.owner, g.creator, g.createdAt,
          g.maxMembers, g.joinOption, g.muteAll, JSON.stringify(g.appDefinedData)]);
      if (r.rowCount === 0) return 'exists';
      await insertMembers(c, g.sdkAppId, g.groupId, members);
      return 'created';
    });
  }

  async getGroup(sdkAppId: number, groupId: string): Promise<GroupRecord | undefined> {
    const [row] = await this.db.query<GroupRow>('SELECT * FROM chat_groups WHERE sdk_app_id = $1 AND group_id = $2', [sdkAppId, groupId]);
    return row ? toGroup(row) : undefined;
  }

  async getGroups(sdkAppId: number, groupIds: string[]): Promise<Map<string, GroupRecord>> {
    const out = new Map<string, GroupRecord>();
    if (groupIds.length === 0) return out;
    const rows = await this.db.query<GroupRow>('SELECT * FROM chat_groups WHERE sdk_app_id = $1 AND group_id = ANY($2::text[])', [sdkAppId, groupIds]);
    for (const row of rows) out.set(row.group_id, toGroup(row));
    return out;
  }

  async updateGroup(sdkAppId: number, groupId: string, patch: GroupPatch, now: number): Promise<GroupRecord | undefined> {
    const [set, del] = dataPatch(patch.appDefinedData);
    const [row] = await this.db.query<GroupRow>(`UPDATE chat_groups SET name = COALESCE($3, name), introduction = COALESCE($4, introduction),
        notification = COALESCE($5, notification), face_url = COALESCE($6, face_url), owner = COALESCE($7, owner),
        max_members = COALESCE($8, max_members), join_option = COALESCE($9, join_option), mute_all = COALESCE($10, mute_all),
        app_data = (app_data || $11::jsonb) - $12::text[], info_seq = info_seq + 1, last_info_time = $13
      WHERE sdk_app_id = $1 AND group_id = $2 RETURNING *`,
      [sdkAppId, groupId, patch.name ?? null, patch.introduction ?? null, patch.notification ?? null, patch.faceUrl ?? null,
        patch.owner ?? null, patch.maxMembers ?? null, patch.joinOption ?? null, patch.muteAll ?? null, set, del, now]);
    return row ? toGroup(row) : undefined;
  }

  async deleteGroup(sdkAppId: number, groupId: string): Promise<string[] | undefined> {
    return this.db.tx(async (c) => {
      // A member count of 0 (live rooms, emptied groups) is still a group.
      if ((await lockGroup(c, sdkAppId, groupId)) === undefined) return undefined;
      const args = [sdkAppId, groupId];
      const members = await c.query<{ user_id: string }>('DELETE FROM group_members WHERE sdk_app_id = $1 AND group_id = $2 RETURNING user_id', args);
      await c.query('DELETE FROM group_mutes WHERE sdk_app_id = $1 AND group_id = $2', args);
      await c.query('DELETE FROM group_applications WHERE sdk_app_id = $1 AND group_id = $2', args);
      await c.query('DELETE FROM group_attrs WHERE sdk_app_id = $1 AND group_id = $2', args);
      await c.query('DELETE FROM chat_groups WHERE sdk_app_id = $1 AND group_id = $2', args);
      // FOR UPDATE waits for an append in flight to this group (it holds the counter row) and
      // makes later ones queue behind this transaction, so the purge covers everything stored so far.
      const last = (await c.query<{ value: number }>('SELECT value FROM counters WHERE sdk_app_id = $1 AND kind = 0 AND key = $2 FOR UPDATE',
        [sdkAppId, `group:${groupId}`])).rows[0]?.value ?? 0;
      if (last > 0) {
        await c.query(`INSERT INTO group_purges (sdk_app_id, group_id, up_to_seq) VALUES ($1, $2, $3)
          ON CONFLICT (sdk_app_id, group_id) DO UPDATE SET up_to_seq = GREATEST(group_purges.up_to_seq, excluded.up_to_seq)`,
        [sdkAppId, groupId, last]);
      }
      return members.rows.map((r) => r.user_id);
    });
  }

  async pendingPurges(limit: number, only?: { sdkAppId: number; groupId: string }): Promise<GroupPurge[]> {
    const rows = await this.db.query<{ sdk_app_id: number; group_id: string; up_to_seq: number }>(`SELECT sdk_app_id, group_id, up_to_seq
      FROM group_purges WHERE ($1::bigint IS NULL OR (sdk_app_id = $1 AND group_id = $2)) ORDER BY sdk_app_id, group_id COLLATE "C" LIMIT $3`,
    [only?.sdkAppId ?? null, only?.groupId ?? null, limit]);
    return rows.map((r) => ({ sdkAppId: r.sdk_app_id, groupId: r.group_id, upToSeq: r.up_to_seq }));
  }

  async finishPurge(sdkAppId: number, groupId: string, upToSeq: number): Promise<void> {
    await this.db.query('DELETE FROM group_purges WHERE sdk_app_id = $1 AND group_id = $2 AND up_to_seq <= $3', [sdkAppId, groupId, upToSeq]);
  }

  async listGroups(sdkAppId: number, opts: { type?: GroupType; next: number; limit: number }): Promise<{ groupIds: string[]; next: number; total: number }> {
    const type = opts.type ?? null;
    const rows = opts.limit > 0
      ? await this.db.query<{ id: number; group_id: string }>(`SELECT id, group_id FROM chat_groups
          WHERE sdk_app_id = $1 AND ($2::text IS NULL OR type = $2) AND id > $3 ORDER BY id LIMIT $4`, [sdkAppId, type, opts.next, opts.limit + 1])
      : [];
    const [count] = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM chat_groups WHERE sdk_app_id = $1 AND ($2::text IS NULL OR type = $2)',
      [sdkAppId, type]);
    const page = rows.slice(0, opts.limit);
    return { groupIds: page.map((r) => r.group_id), next: rows.length > opts.limit ? page[page.length - 1]!.id : 0, total: count?.n ?? 0 };
  }

  async addMembers(sdkAppId: number, groupId: string, members: NewMember[], maxMembers: number): Promise<AddMembersResult> {
    return this.db.tx(async (c) => {
      const count = await lockGroup(c, sdkAppId, groupId);
      if (count === undefined) return { ok: false, reason: 'missing' } as const;
      const unique = [...new Map(members.map((m) => [m.userID, m])).values()];
      const present = new Set((await c.query<{ user_id: string }>(
        'SELECT user_id FROM group_members WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = ANY($3::text[])',
        [sdkAppId, groupId, unique.map((m) => m.userID)])).rows.map((r) => r.user_id));
      const fresh = unique.filter((m) => !present.has(m.userID));
      if (maxMembers > 0 && count + fresh.length > maxMembers) return { ok: false, reason: 'full' } as const;
      const added = await insertMembers(c, sdkAppId, groupId, fresh);
      if (added.length > 0) {
        await c.query('DELETE FROM group_applications WHERE sdk_app_id = $1 AND group_id = $2 AND applicant = ANY($3::text[])', [sdkAppId, groupId, added]);
      }
      return { ok: true, added, existing: unique.filter((m) => present.has(m.userID)).map((m) => m.userID) } as const;
    });
  }

  async removeMembers(sdkAppId: number, groupId: string, userIDs: string[]): Promise<string[]> {
    const ids = [...new Set(userIDs)];
    if (ids.length === 0) return [];
    return this.db.tx(async (c) => {
      await lockGroup(c, sdkAppId, groupId);
      const gone = new Set((await c.query<{ user_id: string }>(
        'DELETE FROM group_members WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = ANY($3::text[]) RETURNING user_id',
        [sdkAppId, groupId, ids])).rows.map((r) => r.user_id));
      await c.query('DELETE FROM group_applications WHERE sdk_app_id = $1 AND group_id = $2 AND applicant = ANY($3::text[])', [sdkAppId, groupId, ids]);
      if (gone.size > 0) await addToCount(c, sdkAppId, groupId, -gone.size);
      return ids.filter((id) => gone.has(id));
    });
  }

  async getMember(sdkAppId: number, groupId: string, userID: string): Promise<MemberRecord | undefined> {
    const [row] = await this.db.query<MemberRow>(`${MEMBER_SELECT} WHERE m.sdk_app_id = $1 AND m.group_id = $2 AND m.user_id = $3`,
      [sdkAppId, groupId, userID]);
    return row ? toMember(row) : undefined;
  }

  async getMembers(sdkAppId: number, groupId: string, userIDs: string[]): Promise<Map<string, MemberRecord>> {
    const out = new Map<string, MemberRecord>();
    if (userIDs.length === 0) return out;
    const rows = await this.db.query<MemberRow>(`${MEMBER_SELECT} WHERE m.sdk_app_id = $1 AND m.group_id = $2 AND m.user_id = ANY($3::text[])`,
      [sdkAppId, groupId, userIDs]);
    for (const row of rows) out.set(row.user_id, toMember(row));
    return out;
  }

  async listMembers(sdkAppId: number, groupId: string, opts: { offset: number; limit: number; roles?: GroupRole[] }): Promise<{ members: MemberRecord[]; total: number }> {
    const roles = opts.roles && opts.roles.length > 0 ? opts.roles : null;
    const members = opts.limit > 0
      ? (await this.db.query<MemberRow>(`${MEMBER_SELECT} WHERE m.sdk_app_id = $1 AND m.group_id = $2 AND ($3::text[] IS NULL OR m.role = ANY($3))
          ORDER BY (m.role = 'Owner') DESC, m.join_time, m.user_id COLLATE "C" LIMIT $4 OFFSET $5`,
        [sdkAppId, groupId, roles, opts.limit, opts.offset])).map(toMember)
      : [];
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM group_members
      WHERE sdk_app_id = $1 AND group_id = $2 AND ($3::text[] IS NULL OR role = ANY($3))`, [sdkAppId, groupId, roles]);
    return { members, total: count?.n ?? 0 };
  }

  async memberIds(sdkAppId: number, groupId: string): Promise<string[]> {
    return (await this.db.query<{ user_id: string }>('SELECT user_id FROM group_members WHERE sdk_app_id = $1 AND group_id = $2',
      [sdkAppId, groupId])).map((r) => r.user_id);
  }

  async updateMember(sdkAppId: number, groupId: string, userID: string, patch: MemberPatch): Promise<boolean> {
    const [set, del] = dataPatch(patch.appMemberDefinedData);
    const rows = await this.db.query(`UPDATE group_members SET role = COALESCE($4, role), name_card = COALESCE($5, name_card),
        msg_flag = COALESCE($6, msg_flag), read_seq = GREATEST(read_seq, $7), app_data = (app_data || $8::jsonb) - $9::text[],
        unread_extra = COALESCE($10, unread_extra), hidden_up_to = COALESCE($11, hidden_up_to)
      WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = $3 RETURNING 1`,
      [sdkAppId, groupId, userID, patch.role ?? null, patch.nameCard ?? null, patch.msgFlag ?? null, patch.readSeq ?? 0, set, del,
        patch.unreadExtra ?? null, patch.hiddenUpTo ?? null]);
    return rows.length > 0;
  }

  async setMute(sdkAppId: number, groupId: string, userIDs: string[], until: number): Promise<void> {
    // Sorted and unique: one upsert cannot touch a row twice, and a fixed order avoids deadlocks.
    const ids = [...new Set(userIDs)].sort();
    if (ids.length === 0) return;
    if (until > 0) {
      await this.db.query(`INSERT INTO group_mutes (sdk_app_id, group_id, user_id, until) SELECT $1, $2, u, $4 FROM unnest($3::text[]) AS u
        ON CONFLICT (sdk_app_id, group_id, user_id) DO UPDATE SET until = excluded.until`, [sdkAppId, groupId, ids, until]);
    } else {
      await this.db.query('DELETE FROM group_mutes WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = ANY($3::text[])', [sdkAppId, groupId, ids]);
    }
  }

  async mutedMembers(sdkAppId: number, groupId: string, now: number): Promise<{ userID: string; until: number }[]> {
    const rows = await this.db.query<{ user_id: string; until: number }>(`SELECT user_id, until FROM group_mutes
      WHERE sdk_app_id = $1 AND group_id = $2 AND until > $3 ORDER BY user_id COLLATE "C"`, [sdkAppId, groupId, now]);
    return rows.map((r) => ({ userID: r.user_id, until: r.until }));
  }

  async muteUntil(sdkAppId: number, groupId: string, userID: string): Promise<number> {
    const [row] = await this.db.query<{ until: number }>('SELECT until FROM group_mutes WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = $3',
      [sdkAppId, groupId, userID]);
    return row?.until ?? 0;
  }

  async transferOwner(sdkAppId: number, groupId: string, newOwner: string, now: number): Promise<boolean> {
    return this.db.tx(async (c) => {
      const [group] = (await c.query<{ owner: string }>('SELECT owner FROM chat_groups WHERE sdk_app_id = $1 AND group_id = $2 FOR UPDATE',
        [sdkAppId, groupId])).rows;
      if (!group) return false;
      const promoted = await c.query(`UPDATE group_members SET role = 'Owner' WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = $3 RETURNING 1`,
        [sdkAppId, groupId, newOwner]);
      if (promoted.rowCount === 0) return false;
      if (group.owner !== '' && group.owner !== newOwner) {
        await c.query(`UPDATE group_members SET role = 'Member' WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = $3`, [sdkAppId, groupId, group.owner]);
      }
      await c.query('UPDATE chat_groups SET owner = $3, info_seq = info_seq + 1, last_info_time = $4 WHERE sdk_app_id = $1 AND group_id = $2',
        [sdkAppId, groupId, newOwner, now]);
      return true;
    });
  }

  async joinedGroups(sdkAppId: number, userID: string): Promise<JoinedGroup[]> {
    const rows = await this.db.query<GroupRow & { self: MemberRow }>(`SELECT g.*, json_build_object('user_id', m.user_id, 'role', m.role,
        'join_time', m.join_time, 'name_card', m.name_card, 'msg_flag', m.msg_flag, 'read_seq', m.read_seq,
        'unread_extra', m.unread_extra, 'hidden_up_to', m.hidden_up_to, 'app_data', m.app_data,
        'mute_until', u.until) AS self
      FROM group_members m JOIN chat_groups g ON g.sdk_app_id = m.sdk_app_id AND g.group_id = m.group_id
      LEFT JOIN group_mutes u ON u.sdk_app_id = m.sdk_app_id AND u.group_id = m.group_id AND u.user_id = m.user_id
      WHERE m.sdk_app_id = $1 AND m.user_id = $2 ORDER BY m.join_time DESC, g.id DESC`, [sdkAppId, userID]);
    return rows.map((r) => ({ group: toGroup(r), self: toMember(r.self) }));
  }

  async addApplication(sdkAppId: number, app: ApplicationRecord): Promise<void> {
    await this.db.query(`INSERT INTO group_applications (sdk_app_id, group_id, applicant, message, time) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (sdk_app_id, group_id, applicant) DO UPDATE SET message = excluded.message, time = excluded.time`,
      [sdkAppId, app.groupId, app.applicant, app.message, app.time]);
  }

  async getApplication(sdkAppId: number, groupId: string, applicant: string): Promise<ApplicationRecord | undefined> {
    const [row] = await this.db.query<ApplicationRow>(`SELECT group_id, applicant, message, time FROM group_applications
      WHERE sdk_app_id = $1 AND group_id = $2 AND applicant = $3`, [sdkAppId, groupId, applicant]);
    return row ? toApplication(row) : undefined;
  }

  async listApplications(sdkAppId: number, groupIds: string[]): Promise<ApplicationRecord[]> {
    if (groupIds.length === 0) return [];
    return (await this.db.query<ApplicationRow>(`SELECT group_id, applicant, message, time FROM group_applications
      WHERE sdk_app_id = $1 AND group_id = ANY($2::text[]) ORDER BY time, group_id COLLATE "C", applicant COLLATE "C"`,
      [sdkAppId, groupIds])).map(toApplication);
  }

  async resolveApplication(
    sdkAppId: number, groupId: string, applicant: string, decision: 'approve' | 'reject', member: NewMember, maxMembers: number,
  ): Promise<'approved' | 'rejected' | 'missing' | 'full' | 'already'> {
    return this.db.tx(async (c) => {
      const count = await lockGroup(c, sdkAppId, groupId);
      const args = [sdkAppId, groupId, applicant];
      const pending = await c.query('SELECT 1 FROM group_applications WHERE sdk_app_id = $1 AND group_id = $2 AND applicant = $3', args);
      if (count === undefined || pending.rowCount === 0) return 'missing';
      const settle = () => c.query('DELETE FROM group_applications WHERE sdk_app_id = $1 AND group_id = $2 AND applicant = $3', args);
      if (decision === 'reject') return (await settle(), 'rejected');
      const isMember = await c.query('SELECT 1 FROM group_members WHERE sdk_app_id = $1 AND group_id = $2 AND user_id = $3', args);
      if (isMember.rowCount !== 0) return (await settle(), 'already');
      if (maxMembers > 0 && count + 1 > maxMembers) return 'full';
      await insertMembers(c, sdkAppId, groupId, [member]);
      await settle();
      return 'approved';
    });
  }
}

/** Locks the group row for the rest of the transaction; its member count, or undefined when missing. */
export async function lockGroup(c: Queryable, sdkAppId: number, groupId: string): Promise<number | undefined> {
  const res = await c.query<{ member_count: number }>('SELECT member_count FROM chat_groups WHERE sdk_app_id = $1 AND group_id = $2 FOR UPDATE',
    [sdkAppId, groupId]);
  return res.rows[0]?.member_count;
}

async function addToCount(c: Queryable, sdkAppId: number, groupId: string, n: number): Promise<void> {
  await c.query('UPDATE chat_groups SET member_count = member_count + $3 WHERE sdk_app_id = $1 AND group_id = $2', [sdkAppId, groupId, n]);
}

/** Inserts the members not already present (call with the group row locked); returns who was added, in input order. */
async function insertMembers(c: Queryable, sdkAppId: number, groupId: string, members: NewMember[]): Promise<string[]> {
  if (members.length === 0) return [];
  const col = <T>(f: (m: NewMember) => T) => members.map(f);
  const res = await c.query<{ user_id: string }>(`INSERT INTO group_members (sdk_app_id, group_id, user_id, role, join_time, name_card, msg_flag, read_seq,
        unread_extra, app_data)
      SELECT $1, $2, u, r, j, n, f, s, x, d::jsonb
      FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::bigint[]) AS t(u, r, j, n, f, s, d, x)
      ON CONFLICT DO NOTHING RETURNING user_id`,
    [sdkAppId, groupId, col((m) => m.userID), col((m) => m.role), col((m) => m.joinTime), col((m) => m.nameCard ?? ''),
      col((m) => m.msgFlag ?? 'AcceptAndNotify'), col((m) => m.readSeq ?? 0), col((m) => JSON.stringify(m.appMemberDefinedData ?? {})),
      col((m) => m.unreadExtra ?? 0)]);
  const inserted = new Set(res.rows.map((r) => r.user_id));
  const added = [...new Set(members.map((m) => m.userID))].filter((id) => inserted.has(id));
  if (added.length > 0) await addToCount(c, sdkAppId, groupId, added.length);
  return added;
}
