/**
 * @module store/sqlite/migrations
 * Versioned schema migrations tracked in PRAGMA user_version. Each migration runs in its own
 * IMMEDIATE transaction and re-reads the version inside it, so a server and a CLI starting at the
 * same moment cannot both apply the same step. Append new steps; never edit a shipped one.
 */
import type Database from 'better-sqlite3';

interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'apps, accounts, messages, inboxes, conversations, read cursors',
    up(db) {
      db.exec(`
        CREATE TABLE apps (
          sdk_app_id      INTEGER PRIMARY KEY,
          name            TEXT NOT NULL,
          mode            TEXT NOT NULL,
          secret_key      TEXT NOT NULL,
          public_key_pem  TEXT,
          admins          TEXT NOT NULL,            -- JSON array of UserIDs
          settings        TEXT NOT NULL,            -- JSON AppSettings
          created_at      INTEGER NOT NULL,
          disabled        INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE accounts (
          sdk_app_id          INTEGER NOT NULL,
          user_id             TEXT NOT NULL,
          nick                TEXT NOT NULL DEFAULT '',
          face_url            TEXT NOT NULL DEFAULT '',
          created_at          INTEGER NOT NULL,
          tickets_revoked_at  INTEGER NOT NULL DEFAULT 0,
          profile             TEXT NOT NULL DEFAULT '{}',
          PRIMARY KEY (sdk_app_id, user_id)
        ) WITHOUT ROWID;

        -- Conversation IDs are interned: integer keys make the message indexes half the size and
        -- twice as fast to insert into as (sdk_app_id, conv_id TEXT) keys.
        CREATE TABLE conversations (
          id          INTEGER PRIMARY KEY,
          sdk_app_id  INTEGER NOT NULL,
          conv_id     TEXT NOT NULL,
          UNIQUE (sdk_app_id, conv_id)
        );

        -- Rowid table: bodies can reach 12 KB, too big for a WITHOUT ROWID b-tree.
        CREATE TABLE messages (
          id                 INTEGER PRIMARY KEY,
          conv               INTEGER NOT NULL,       -- conversations.id
          seq                INTEGER NOT NULL,
          from_user          TEXT NOT NULL,
          to_target          TEXT NOT NULL,
          random             INTEGER NOT NULL,
          time               INTEGER NOT NULL,
          body               TEXT NOT NULL,
          priority           TEXT NOT NULL,
          cloud_custom_data  TEXT,
          nick               TEXT,
          avatar             TEXT,
          client_msg_id      TEXT,
          dedup_key          TEXT,
          revoked            INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX messages_by_seq ON messages (conv, seq);
        CREATE UNIQUE INDEX messages_by_dedup ON messages (conv, from_user, dedup_key) WHERE dedup_key IS NOT NULL;

        -- Inbox owners (app, user) are interned like conversations; folded_seq is how far the
        -- user's inbox has been folded into user_conversations (done lazily, off the append path).
        CREATE TABLE inbox_owners (
          id          INTEGER PRIMARY KEY,
          sdk_app_id  INTEGER NOT NULL,
          user_id     TEXT NOT NULL,
          folded_seq  INTEGER NOT NULL DEFAULT 0,
          UNIQUE (sdk_app_id, user_id)
        );

        -- kind: 0 message (msg_id), 1 revoke (msg_id, actor = by), 2 read (conv, actor = reader, read_seq, time).
        CREATE TABLE inbox (
          owner     INTEGER NOT NULL,             -- inbox_owners.id
          seq       INTEGER NOT NULL,
          kind      INTEGER NOT NULL,
          msg_id    INTEGER,
          conv      INTEGER,
          actor     TEXT,
          read_seq  INTEGER,
          time      INTEGER,
          PRIMARY KEY (owner, seq)
        ) WITHOUT ROWID;

        -- One row per (user, conversation) with message inbox rows, folded from the inbox when the
        -- list is read; deleting the row hides the conversation until the next message.
        CREATE TABLE user_conversations (
          owner        INTEGER NOT NULL,
          conv         INTEGER NOT NULL,
          last_msg_id  INTEGER NOT NULL,
          last_inbox   INTEGER NOT NULL,
          PRIMARY KEY (owner, conv)
        ) WITHOUT ROWID;

        CREATE TABLE read_cursors (
          conv      INTEGER NOT NULL,
          user_id   TEXT NOT NULL,
          read_seq  INTEGER NOT NULL,
          PRIMARY KEY (conv, user_id)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    description: 'groups: chat_groups, group_members, group_mutes, group_applications',
    up(db) {
      db.exec(`
      CREATE TABLE chat_groups (
        id              INTEGER PRIMARY KEY,          -- creation order: get_appid_group_list pages by it
        sdk_app_id      INTEGER NOT NULL,
        group_id        TEXT NOT NULL,
        type            TEXT NOT NULL,
        name            TEXT NOT NULL,
        introduction    TEXT NOT NULL DEFAULT '',
        notification    TEXT NOT NULL DEFAULT '',
        face_url        TEXT NOT NULL DEFAULT '',
        owner           TEXT NOT NULL DEFAULT '',
        creator         TEXT NOT NULL DEFAULT '',
        created_at      INTEGER NOT NULL,
        last_info_time  INTEGER NOT NULL,
        info_seq        INTEGER NOT NULL DEFAULT 1,
        max_members     INTEGER NOT NULL,             -- 0 = no cap (live rooms)
        join_option     TEXT NOT NULL,
        mute_all        INTEGER NOT NULL DEFAULT 0,
        app_data        TEXT NOT NULL DEFAULT '{}',   -- JSON object of AppDefinedData
        member_count    INTEGER NOT NULL DEFAULT 0,
        UNIQUE (sdk_app_id, group_id)
      );

      CREATE TABLE group_members (
        sdk_app_id  INTEGER NOT NULL,
        group_id    TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        role        TEXT NOT NULL,
        join_time   INTEGER NOT NULL,
        name_card   TEXT NOT NULL DEFAULT '',
        msg_flag    TEXT NOT NULL DEFAULT 'AcceptAndNotify',
        read_seq    INTEGER NOT NULL DEFAULT 0,
        app_data    TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (sdk_app_id, group_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX group_members_by_user ON group_members (sdk_app_id, user_id);

      -- Apart from membership: a muted user who leaves and rejoins stays muted.
      CREATE TABLE group_mutes (
        sdk_app_id  INTEGER NOT NULL,
        group_id    TEXT NOT NULL,
        user_id     TEXT NOT NULL,
        until       INTEGER NOT NULL,
        PRIMARY KEY (sdk_app_id, group_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE group_applications (
        sdk_app_id  INTEGER NOT NULL,
        group_id    TEXT NOT NULL,
        applicant   TEXT NOT NULL,
        message     TEXT NOT NULL DEFAULT '',
        time        INTEGER NOT NULL,
        PRIMARY KEY (sdk_app_id, group_id, applicant)
      ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    description: 'operations: dirty_words, no_speaking (global mute), daily_counters, daily_distinct',
    up(db) {
      db.exec(`
      CREATE TABLE dirty_words (
        id          INTEGER PRIMARY KEY,            -- insertion order, which get returns
        sdk_app_id  INTEGER NOT NULL,
        word        TEXT NOT NULL,
        UNIQUE (sdk_app_id, word)
      );

      CREATE TABLE no_speaking (
        sdk_app_id   INTEGER NOT NULL,
        user_id      TEXT NOT NULL,
        c2c_until    INTEGER NOT NULL DEFAULT 0,    -- Unix seconds; 4294967295 = for ever
        group_until  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (sdk_app_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE daily_counters (
        sdk_app_id  INTEGER NOT NULL,
        day         TEXT NOT NULL,                  -- YYYYMMDD, UTC
        name        TEXT NOT NULL,
        value       INTEGER NOT NULL,
        PRIMARY KEY (sdk_app_id, day, name)
      ) WITHOUT ROWID;

      CREATE TABLE daily_distinct (
        sdk_app_id  INTEGER NOT NULL,
        day         TEXT NOT NULL,
        kind        TEXT NOT NULL,                  -- active, c2c_sender, group_sender, group, login
        key         TEXT NOT NULL,
        PRIMARY KEY (sdk_app_id, day, kind, key)
      ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 4,
    description: 'group REST completion: deleted message tombstones, member unread_extra, group_attrs',
    up(db) {
      db.exec(`
      -- delete_group_msg_by_sender keeps the row (its seq must never be reused: sequences come
      -- from MAX(seq)) with the body cleared; reads skip it.
      ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

      -- Unread messages set by set_unread_msg_num / import_group_member on top of those after read_seq.
      ALTER TABLE group_members ADD COLUMN unread_extra INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE group_attrs (
        sdk_app_id  INTEGER NOT NULL,
        group_id    TEXT NOT NULL,
        attrs       TEXT NOT NULL,                  -- JSON object, insertion order kept
        PRIMARY KEY (sdk_app_id, group_id)
      ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 5,
    description: 'dismissed groups purge their messages (group_purges); per-member hidden group conversations',
    up(db) {
      db.exec(`
      -- A deleted group conversation stays out of the member's list until a message after this seq.
      ALTER TABLE group_members ADD COLUMN hidden_up_to INTEGER NOT NULL DEFAULT 0;

      -- Dismissed groups whose messages (seq <= up_to_seq) and read cursors are still being
      -- deleted; written in the dismissal's transaction, removed when the purge is done. The ID
      -- cannot be taken again while its row is here.
      CREATE TABLE group_purges (
        sdk_app_id  INTEGER NOT NULL,
        group_id    TEXT NOT NULL,
        up_to_seq   INTEGER NOT NULL,
        PRIMARY KEY (sdk_app_id, group_id)
      ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 6,
    description: 'deleted apps purge their data (app_purges)',
    up(db) {
      db.exec(`
      -- Deleted apps whose rows in the other tables are still being deleted (app-purge.sqlite.ts);
      -- written in the app row's DELETE transaction, removed when the purge is done. Creating the
      -- SDKAppID again finishes the purge first.
      CREATE TABLE app_purges (
        sdk_app_id  INTEGER PRIMARY KEY,
        deleted_at  INTEGER NOT NULL              -- Unix ms
      );
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

function userVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Brings the schema to SCHEMA_VERSION; refuses a file written by a newer Parley. */
export function migrate(db: Database.Database): void {
  const found = userVersion(db);
  if (found > SCHEMA_VERSION) {
    throw new Error(`parley.db has schema version ${found}, newer than this build's ${SCHEMA_VERSION}; upgrade Parley`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= found) continue;
    db.transaction(() => {
      if (userVersion(db) >= m.version) return; // another process got here first
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
