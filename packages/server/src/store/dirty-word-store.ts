/**
 * @module store/dirty-word-store
 * Storage for what the REST "operations" surface keeps per app beyond accounts, messages and
 * groups:
 *
 * - `DirtyWordStore`: each app's custom sensitive words (`openim_dirty_words`), a set kept in
 *   insertion order. It is the `DirtyWordRepository` the moderation filter reads through.
 * - `NoSpeakingStore`: global mute per account (`openconfigsvr/setnospeaking`): until when the
 *   account may not send C2C and group messages (Unix seconds; 0 = not muted).
 * - `StatsStore`: daily figures for `openconfigsvr/getappinfo`: named counters added up per day, and
 *   distinct keys per day and kind (active users, senders, groups), counted on read.
 *
 * Every engine passes the suite in `extras.contract.ts`.
 */
import type { DirtyWordRepository } from '../moderation/dirty-word-repository.ts';

export type DirtyWordStore = DirtyWordRepository;

/** Mute ends in Unix seconds; 0 = not muted, 4294967295 = for ever. */
export interface NoSpeakingRecord {
  c2cUntil: number;
  groupUntil: number;
}

export interface NoSpeakingStore {
  /** Sets the given fields (others keep their value); a record with both at 0 is removed. */
  set(sdkAppId: number, userID: string, change: Partial<NoSpeakingRecord>): Promise<void>;
  /** Records of the listed users; users with no mute are absent. */
  get(sdkAppId: number, userIDs: readonly string[]): Promise<Map<string, NoSpeakingRecord>>;
}

/** A day as `YYYYMMDD` (UTC). */
export type Day = string;

export interface DailyDelta {
  sdkAppId: number;
  day: Day;
  /** Counter name → amount to add. */
  counters: Record<string, number>;
  /** Distinct keys seen that day, per kind (e.g. `active` → user IDs); repeats are ignored. */
  distinct: Record<string, readonly string[]>;
}

export interface DailyFigures {
  day: Day;
  counters: Record<string, number>;
  /** Kind → number of distinct keys that day. */
  distinct: Record<string, number>;
}

export interface StatsStore {
  /** Applies the deltas in one transaction. */
  addDaily(deltas: readonly DailyDelta[]): Promise<void>;
  /** Days from `fromDay` to `toDay` inclusive that have any figure, newest first. */
  daily(sdkAppId: number, fromDay: Day, toDay: Day): Promise<DailyFigures[]>;
}

/** The UTC day of a Unix-ms time. */
export function dayOf(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}
