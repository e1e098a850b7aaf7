/**
 * @module store/postgres/account-store.postgres
 * AccountStore on PostgreSQL. Nick and face URL are columns (read on every message); every other
 * profile tag lives in one jsonb column.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import type { AccountImport, AccountRecord, AccountStore } from '../account-store.ts';
import type { PgDatabase } from './pg-database.ts';

interface AccountRow {
  user_id: string;
  nick: string;
  face_url: string;
  created_at: number;
  tickets_revoked_at: number;
  profile: Record<string, string | number>;
}

const NICK_TAGS = new Set(['nick', 'Tag_Profile_IM_Nick']);
const FACE_TAGS = new Set(['faceUrl', 'Tag_Profile_IM_Image']);

function toRecord(row: AccountRow): AccountRecord {
  return {
    userID: row.user_id,
    nick: row.nick,
    faceUrl: row.face_url,
    createdAt: row.created_at,
    ticketsRevokedAt: row.tickets_revoked_at,
    profile: row.profile,
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export class PostgresAccountStore implements AccountStore {
  constructor(private readonly db: PgDatabase) {}

  async importAccounts(sdkAppId: number, accounts: AccountImport[]): Promise<void> {
    if (accounts.length === 0) return;
    // One row per UserID (a statement cannot touch a row twice): a UserID listed again adds or
    // overrides the fields it gives, as if the entries were applied one after another.
    const byId = new Map<string, AccountImport>();
    for (const a of accounts) {
      const merged = { ...byId.get(a.userID), userID: a.userID };
      if (a.nick !== undefined) merged.nick = a.nick;
      if (a.faceUrl !== undefined) merged.faceUrl = a.faceUrl;
      byId.set(a.userID, merged);
    }
    const ids = [...byId.keys()].sort(); // a fixed order keeps concurrent imports from deadlocking
    const nicks = ids.map((id) => byId.get(id)?.nick ?? null);
    const faces = ids.map((id) => byId.get(id)?.faceUrl ?? null);
    // NULL means "not given": a new row gets '' and an existing row keeps its value. Insert the
    // missing rows, then overwrite only the given fields (of new and existing rows alike).
    await this.db.tx(async (c) => {
      await c.query(`INSERT INTO accounts (sdk_app_id, user_id, nick, face_url, created_at)
        SELECT $1, u, COALESCE(n, ''), COALESCE(f, ''), $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS t(u, n, f)
        ON CONFLICT (sdk_app_id, user_id) DO NOTHING`, [sdkAppId, ids, nicks, faces, nowSeconds()]);
      await c.query(`UPDATE accounts a SET nick = COALESCE(t.n, a.nick), face_url = COALESCE(t.f, a.face_url)
        FROM unnest($2::text[], $3::text[], $4::text[]) AS t(u, n, f)
        WHERE a.sdk_app_id = $1 AND a.user_id = t.u AND (t.n IS NOT NULL OR t.f IS NOT NULL)`, [sdkAppId, ids, nicks, faces]);
    });
  }

  async ensureAccount(sdkAppId: number, userID: string): Promise<AccountRecord> {
    // The no-op update makes RETURNING yield the row whether it was inserted or already there.
    const [row] = await this.db.query<AccountRow>(`INSERT INTO accounts (sdk_app_id, user_id, created_at) VALUES ($1, $2, $3)
      ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET user_id = accounts.user_id RETURNING *`, [sdkAppId, userID, nowSeconds()]);
    if (!row) throw new ParleyError(Codes.INTERNAL_ERROR, 'account upsert returned nothing');
    return toRecord(row);
  }

  async getAccounts(sdkAppId: number, userIDs: string[]): Promise<Map<string, AccountRecord>> {
    const out = new Map<string, AccountRecord>();
    if (userIDs.length === 0) return out;
    const rows = await this.db.query<AccountRow>('SELECT * FROM accounts WHERE sdk_app_id = $1 AND user_id = ANY($2::text[])', [sdkAppId, userIDs]);
    for (const row of rows) out.set(row.user_id, toRecord(row));
    return out;
  }

  async deleteAccounts(sdkAppId: number, userIDs: string[]): Promise<string[]> {
    if (userIDs.length === 0) return [];
    const unique = [...new Set(userIDs)];
    const rows = await this.db.query<{ user_id: string }>(
      'DELETE FROM accounts WHERE sdk_app_id = $1 AND user_id = ANY($2::text[]) RETURNING user_id', [sdkAppId, unique]);
    const deleted = new Set(rows.map((r) => r.user_id));
    return unique.filter((id) => deleted.has(id));
  }

  async setProfile(sdkAppId: number, userID: string, fields: Record<string, string | number>): Promise<void> {
    let nick: string | null = null;
    let face: string | null = null;
    const profile: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (NICK_TAGS.has(k)) nick = String(v);
      else if (FACE_TAGS.has(k)) face = String(v);
      else profile[k] = v;
    }
    // One statement: jsonb `||` merges the new tags over the stored ones atomically.
    const rows = await this.db.query(`UPDATE accounts SET nick = COALESCE($3, nick), face_url = COALESCE($4, face_url),
      profile = profile || $5::jsonb WHERE sdk_app_id = $1 AND user_id = $2 RETURNING 1`,
      [sdkAppId, userID, nick, face, JSON.stringify(profile)]);
    if (rows.length === 0) throw new ParleyError(Codes.ACCOUNT_NOT_FOUND);
  }

  async revokeTickets(sdkAppId: number, userID: string, at: number): Promise<void> {
    await this.db.query('UPDATE accounts SET tickets_revoked_at = GREATEST(tickets_revoked_at, $3) WHERE sdk_app_id = $1 AND user_id = $2',
      [sdkAppId, userID, at]);
  }
}
