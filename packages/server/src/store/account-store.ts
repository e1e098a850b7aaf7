/**
 * @module store/account-store
 * Accounts and their profiles, per app.
 */

export interface AccountRecord {
  userID: string;
  nick: string;
  faceUrl: string;
  createdAt: number;
  /** Unix seconds: tickets issued at or before this time are refused (REST kick). 0 = none. */
  ticketsRevokedAt: number;
  /** Profile tags beyond nick/face (Tag_Profile_IM_* and Tag_Profile_Custom_*). */
  profile: Record<string, string | number>;
}

export interface AccountImport {
  userID: string;
  nick?: string;
  faceUrl?: string;
}

export interface AccountStore {
  /** Creates or updates accounts; an existing account keeps fields not given. Idempotent. */
  importAccounts(sdkAppId: number, accounts: AccountImport[]): Promise<void>;
  /** Creates the account if missing (first login); returns it. */
  ensureAccount(sdkAppId: number, userID: string): Promise<AccountRecord>;
  getAccounts(sdkAppId: number, userIDs: string[]): Promise<Map<string, AccountRecord>>;
  /** Returns the IDs that existed and were deleted. */
  deleteAccounts(sdkAppId: number, userIDs: string[]): Promise<string[]>;
  /** Sets profile fields; `nick`/`faceUrl` map to the Tag_Profile_IM_Nick/Image tags. */
  setProfile(sdkAppId: number, userID: string, fields: Record<string, string | number>): Promise<void>;
  revokeTickets(sdkAppId: number, userID: string, at: number): Promise<void>;
}
