/**
 * @module store/sqlite/account-store.sqlite
 * AccountStore on SQLite. Nick and face URL are columns (they are read on every message); every
 * other profile tag lives in one JSON column.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import type { AccountImport, AccountRecord, AccountStore } from '../account-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

interface AccountRow {
  user_id: string;
  nick: string;
  face_url: string;
  created_at: number;
  tickets_revoked_at: number;
  profile: string;
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
    profile: JSON.parse(row.profile) as Record<string, string | number>,
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}


export class SqliteAccountStore implements AccountStore {
  private readonly upsert;
  private readonly insertIfMissing;
  private readonly selectOne;
  private readonly selectMany;
  private readonly deleteOne;
  private readonly updateProfile;
  private readonly revoke;
  private readonly importTx;
  private readonly deleteTx;
  private readonly setProfileTx;

  constructor(db: SqliteDatabase) {
    // A NULL parameter means "not given": a new row gets '' and an existing row keeps its value.
    this.upsert = db.prepare(`INSERT INTO accounts (sdk_app_id, user_id, nick, face_url, created_at)
      VALUES (:app, :user, COALESCE(:nick, ''), COALESCE(:face, ''), :now)
      ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET nick = COALESCE(:nick, nick), face_url = COALESCE(:face, face_url)`);
    this.insertIfMissing = db.prepare('INSERT OR IGNORE INTO accounts (sdk_app_id, user_id, created_at) VALUES (?, ?, ?)');
    this.selectOne = db.prepare<[number, string], AccountRow>('SELECT * FROM accounts WHERE sdk_app_id = ? AND user_id = ?');
    // One prepared statement for any number of IDs: the list travels as one JSON parameter.
    this.selectMany = db.prepare<[number, string], AccountRow>(
      'SELECT * FROM accounts WHERE sdk_app_id = ? AND user_id IN (SELECT value FROM json_each(?))',
    );
    this.deleteOne = db.prepare('DELETE FROM accounts WHERE sdk_app_id = ? AND user_id = ?');
    this.updateProfile = db.prepare('UPDATE accounts SET nick = :nick, face_url = :face, profile = :profile WHERE sdk_app_id = :app AND user_id = :user');
    this.revoke = db.prepare('UPDATE accounts SET tickets_revoked_at = MAX(tickets_revoked_at, ?) WHERE sdk_app_id = ? AND user_id = ?');

    this.importTx = db.transaction((app: number, accounts: AccountImport[], now: number) => {
      for (const a of accounts) this.upsert.run({ app, user: a.userID, nick: a.nick ?? null, face: a.faceUrl ?? null, now });
    });
    this.deleteTx = db.transaction((app: number, userIDs: string[]) => {
      const deleted: string[] = [];
      for (const id of new Set(userIDs)) if (this.deleteOne.run(app, id).changes > 0) deleted.push(id);
      return deleted;
    });
    this.setProfileTx = db.transaction((app: number, user: string, fields: Record<string, string | number>) => {
      const row = this.selectOne.get(app, user);
      if (!row) throw new ParleyError(Codes.ACCOUNT_NOT_FOUND);
      let nick = row.nick;
      let face = row.face_url;
      const profile = JSON.parse(row.profile) as Record<string, string | number>;
      for (const [k, v] of Object.entries(fields)) {
        if (NICK_TAGS.has(k)) nick = String(v);
        else if (FACE_TAGS.has(k)) face = String(v);
        else profile[k] = v;
      }
      this.updateProfile.run({ app, user, nick, face, profile: JSON.stringify(profile) });
    });
  }

  async importAccounts(sdkAppId: number, accounts: AccountImport[]): Promise<void> {
    if (accounts.length > 0) this.importTx(sdkAppId, accounts, nowSeconds());
  }

  async ensureAccount(sdkAppId: number, userID: string): Promise<AccountRecord> {
    this.insertIfMissing.run(sdkAppId, userID, nowSeconds());
    const row = this.selectOne.get(sdkAppId, userID);
    if (!row) throw new ParleyError(Codes.INTERNAL_ERROR, 'account vanished after insert');
    return toRecord(row);
  }

  async getAccounts(sdkAppId: number, userIDs: string[]): Promise<Map<string, AccountRecord>> {
    const out = new Map<string, AccountRecord>();
    if (userIDs.length === 0) return out;
    for (const row of this.selectMany.all(sdkAppId, JSON.stringify(userIDs))) out.set(row.user_id, toRecord(row));
    return out;
  }

  async deleteAccounts(sdkAppId: number, userIDs: string[]): Promise<string[]> {
    return this.deleteTx(sdkAppId, userIDs);
  }

  async setProfile(sdkAppId: number, userID: string, fields: Record<string, string | number>): Promise<void> {
    this.setProfileTx(sdkAppId, userID, fields);
  }

  async revokeTickets(sdkAppId: number, userID: string, at: number): Promise<void> {
    this.revoke.run(at, sdkAppId, userID);
  }
}
