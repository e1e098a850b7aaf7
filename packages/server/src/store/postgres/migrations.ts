/**
 * @module store/postgres/migrations
 * Versioned schema migrations recorded in `parley_migrations`. The whole run holds a session
 * advisory lock keyed by the schema, so nodes starting together apply each step exactly once; each
 * step is its own transaction. Append new steps; never edit a shipped one.
 */
import type pg from 'pg';

interface Migration {
  version: number;
  description: string;
  sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'apps, accounts, messages, inboxes, conversations, read cursors, sequence counters',
    sql: `
      CREATE TABLE apps (
        sdk_app_id      bigint PRIMARY KEY,
        name            text NOT NULL,
        mode            text NOT NULL,
        secret_key      text NOT NULL,
        public_key_pem  text,
        admins          jsonb NOT NULL,
        settings        jsonb NOT NULL,
        created_at      bigint NOT NULL,
        disabled        boolean NOT NULL DEFAULT false
      );

      CREATE TABLE accounts (
        sdk_app_id          bigint NOT NULL,
        user_id             text NOT NULL,
        nick                text NOT NULL DEFAULT '',
        face_url            text NOT NULL DEFAULT '',
        created_at          bigint NOT NULL,
        tickets_revoked_at  bigint NOT NULL DEFAULT 0,
        profile             jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (sdk_app_id, user_id)
      );

      CREATE TABLE messages (
        sdk_app_id         bigint NOT NULL,
        conv_id            text NOT NULL,
        seq                bigint NOT NULL,
        from_user          text NOT NULL,
        to_target          text NOT NULL,
        random             bigint NOT NULL,
        time               bigint NOT NULL,
        body               text NOT NULL,
        priority           text NOT NULL,
        cloud_custom_data  text,
        nick               text,
        avatar             text,
        client_msg_id      text,
        dedup_key          text,
        revoked            boolean NOT NULL DEFAULT false,
        PRIMARY KEY (sdk_app_id, conv_id, seq)
      );
      CREATE UNIQUE INDEX messages_by_dedup ON messages (sdk_app_id, conv_id, from_user, dedup_key)
        WHERE dedup_key IS NOT NULL;

      -- kind: 0 message (conv_id, msg_seq), 1 revoke (conv_id, msg_seq, actor = by),
      --       2 read (conv_id, actor = reader, read_seq, time).
      CREATE TABLE inbox (
        sdk_app_id  bigint NOT NULL,
        user_id     text NOT NULL,
        seq         bigint NOT NULL,
        kind        smallint NOT NULL,
        conv_id     text NOT NULL,
        msg_seq     bigint,
        actor       text,
        read_seq    bigint,
        time        bigint,
        PRIMARY KEY (sdk_app_id, user_id, seq)
      );

      -- One row per (user, conversation) with message inbox rows; deleting it hides the
      -- conversation until the next message re-creates it.
      CREATE TABLE user_conversations (
        sdk_app_id  bigint NOT NULL,
        user_id     text NOT NULL,
        conv_id     text NOT NULL,
        last_seq    bigint NOT NULL,
        last_inbox  bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, user_id, conv_id)
      );
      CREATE INDEX user_conversations_recent ON user_conversations (sdk_app_id, user_id, last_inbox DESC);

      CREATE TABLE read_cursors (
        sdk_app_id  bigint NOT NULL,
        conv_id     text NOT NULL,
        user_id     text NOT NULL,
        read_seq    bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, conv_id, user_id)
      );

      -- Last sequence handed out per conversation (kind 0) and per inbox (kind 1). Bumped with
      -- INSERT ... ON CONFLICT DO UPDATE inside the writing transaction, so concurrent nodes queue on
      -- the row lock and sequences stay gap-free.
      CREATE TABLE counters (
        sdk_app_id  bigint NOT NULL,
        kind        smallint NOT NULL,
        key         text NOT NULL,
        value       bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, kind, key)
      );
    `,
  },
  {
    version: 2,
    description: 'groups: chat_groups, group_members, group_mutes, group_applications',
    sql: `
      CREATE TABLE chat_groups (
        id              bigserial NOT NULL,        -- creation order: get_appid_group_list pages by it
        sdk_app_id      bigint NOT NULL,
        group_id        text NOT NULL,
        type            text NOT NULL,
        name            text NOT NULL,
        introduction    text NOT NULL DEFAULT '',
        notification    text NOT NULL DEFAULT '',
        face_url        text NOT NULL DEFAULT '',
        owner           text NOT NULL DEFAULT '',
        creator         text NOT NULL DEFAULT '',
        created_at      bigint NOT NULL,
        last_info_time  bigint NOT NULL,
        info_seq        bigint NOT NULL DEFAULT 1,
        max_members     bigint NOT NULL,           -- 0 = no cap (live rooms)
        join_option     text NOT NULL,
        mute_all        boolean NOT NULL DEFAULT false,
        app_data        jsonb NOT NULL DEFAULT '{}',
        member_count    bigint NOT NULL DEFAULT 0, -- kept in step with group_members under the group row's lock
        PRIMARY KEY (sdk_app_id, group_id)
      );
      CREATE UNIQUE INDEX chat_groups_by_id ON chat_groups (sdk_app_id, id);

      CREATE TABLE group_members (
        sdk_app_id  bigint NOT NULL,
        group_id    text NOT NULL,
        user_id     text NOT NULL,
        role        text NOT NULL,
        join_time   bigint NOT NULL,
        name_card   text NOT NULL DEFAULT '',
        msg_flag    text NOT NULL DEFAULT 'AcceptAndNotify',
        read_seq    bigint NOT NULL DEFAULT 0,
        app_data    jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (sdk_app_id, group_id, user_id)
      );
      CREATE INDEX group_members_by_user ON group_members (sdk_app_id, user_id);

      -- Apart from membership: a muted user who leaves and rejoins stays muted.
      CREATE TABLE group_mutes (
        sdk_app_id  bigint NOT NULL,
        group_id    text NOT NULL,
        user_id     text NOT NULL,
        until       bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, group_id, user_id)
      );

      CREATE TABLE group_applications (
        sdk_app_id  bigint NOT NULL,
        group_id    text NOT NULL,
        applicant   text NOT NULL,
        message     text NOT NULL DEFAULT '',
        time        bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, group_id, applicant)
      );
    `,
  },
  {
    version: 3,
    description: 'operations: dirty_words, no_speaking (global mute), daily_counters, daily_distinct',
    sql: `
      CREATE TABLE dirty_words (
        id          bigserial PRIMARY KEY,
        sdk_app_id  bigint NOT NULL,
        word        text NOT NULL,
        UNIQUE (sdk_app_id, word)
      );

      CREATE TABLE no_speaking (
        sdk_app_id   bigint NOT NULL,
        user_id      text NOT NULL,
        c2c_until    bigint NOT NULL DEFAULT 0,
        group_until  bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (sdk_app_id, user_id)
      );

      CREATE TABLE daily_counters (
        sdk_app_id  bigint NOT NULL,
        day         text NOT NULL,
        name        text NOT NULL,
        value       bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, day, name)
      );

      CREATE TABLE daily_distinct (
        sdk_app_id  bigint NOT NULL,
        day         text NOT NULL,
        kind        text NOT NULL,
        key         text NOT NULL,
        PRIMARY KEY (sdk_app_id, day, kind, key)
      );
    `,
  },
  {
    version: 4,
    description: 'group REST completion: deleted message tombstones, member unread_extra, group_attrs',
    sql: `
      -- delete_group_msg_by_sender keeps the row as a bodiless tombstone; reads skip it.
      ALTER TABLE messages ADD COLUMN deleted boolean NOT NULL DEFAULT false;

      -- Unread messages set by set_unread_msg_num / import_group_member on top of those after read_seq.
      ALTER TABLE group_members ADD COLUMN unread_extra bigint NOT NULL DEFAULT 0;

      CREATE TABLE group_attrs (
        sdk_app_id  bigint NOT NULL,
        group_id    text NOT NULL,
        attrs       text NOT NULL,               -- JSON object as text: keeps insertion order (jsonb would sort keys)
        PRIMARY KEY (sdk_app_id, group_id)
      );
    `,
  },
  {
    version: 5,
    description: 'dismissed groups purge their messages (group_purges); per-member hidden group conversations',
    sql: `
      -- A deleted group conversation stays out of the member's list until a message after this seq.
      ALTER TABLE group_members ADD COLUMN hidden_up_to bigint NOT NULL DEFAULT 0;

      -- Dismissed groups whose messages (seq <= up_to_seq) and read cursors are still being
      -- deleted; written in the dismissal's transaction, removed when the purge is done. The ID
      -- cannot be taken again while its row is here.
      CREATE TABLE group_purges (
        sdk_app_id  bigint NOT NULL,
        group_id    text NOT NULL,
        up_to_seq   bigint NOT NULL,
        PRIMARY KEY (sdk_app_id, group_id)
      );
    `,
  },
  {
    version: 6,
    description: 'deleted apps purge their data (app_purges)',
    sql: `
      -- Deleted apps whose rows in the other tables are still being deleted (app-purge.postgres.ts);
      -- written in the app row's DELETE transaction, removed when the purge is done. Creating the
      -- SDKAppID again finishes the purge first.
      CREATE TABLE app_purges (
        sdk_app_id  bigint PRIMARY KEY,
        deleted_at  bigint NOT NULL              -- Unix ms
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Brings `schema` to SCHEMA_VERSION; refuses a schema written by a newer Parley. */
export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`parley:migrate:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".parley_migrations (
        version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const rows = (await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM "${schema}".parley_migrations`)).rows;
      const found = rows[0]?.v ?? 0;
      if (found > SCHEMA_VERSION) {
        throw new Error(`PostgreSQL schema "${schema}" is at version ${found}, newer than this build's ${SCHEMA_VERSION}; upgrade Parley`);
      }
      for (const m of MIGRATIONS) {
        if (m.version <= found) continue;
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path = "${schema}"`);
          await client.query(m.sql);
          await client.query(`INSERT INTO "${schema}".parley_migrations (version, description) VALUES ($1, $2)`, [m.version, m.description]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`parley:migrate:${schema}`]).catch((err: Error) => { broken = err; });
    }
  } finally {
    client.release(broken);
  }
}
