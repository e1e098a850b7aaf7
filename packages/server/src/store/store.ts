/**
 * @module store/store
 * The storage contract the real-time core depends on, split by aggregate. Engines: SQLite
 * (`sqlite/`, the embedded default) and PostgreSQL (`postgres/`). Every engine passes the shared
 * conformance suite in `store.contract.ts`.
 */
import type { AccountStore } from './account-store.ts';
import type { AppStore } from './app-store.ts';
import type { DirtyWordStore, NoSpeakingStore, StatsStore } from './dirty-word-store.ts';
import type { GroupAttrStore } from './group-attr-store.ts';
import type { GroupStore } from './group-store.ts';
import type { MessageStore } from './message-store.ts';

export interface Store {
  readonly apps: AppStore;
  readonly accounts: AccountStore;
  readonly messages: MessageStore;
  readonly groups: GroupStore;
  /** Group attributes (group_open_http_svc/*_group_attr). */
  readonly groupAttrs: GroupAttrStore;
  /** Per-app custom sensitive words (openim_dirty_words). */
  readonly dirtyWords: DirtyWordStore;
  /** Global mute per account (openconfigsvr/setnospeaking). */
  readonly noSpeaking: NoSpeakingStore;
  /** Daily figures (openconfigsvr/getappinfo). */
  readonly stats: StatsStore;
  /** Flushes and closes; further calls fail. */
  close(): Promise<void>;
}

export type { AccountStore, AppStore, GroupAttrStore, GroupStore, MessageStore };
