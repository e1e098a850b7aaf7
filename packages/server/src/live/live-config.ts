/**
 * @module live/live-config
 * Live-room engine settings from the environment (docs/live-rooms.md). Per-app settings
 * (roomMessagesPerSecond, likeFlushMs, roomHistoryOnJoin) live in the app record instead.
 */
import type { LiveEngineOptions } from './live-engine.ts';

type Tunables = Pick<LiveEngineOptions, 'flushMs' | 'maxMemberBytes' | 'slowGraceMs' | 'countRefreshMs' | 'noticeFlushMs' | 'noticeSample'>;

const VARS: [keyof Tunables, string][] = [
  ['flushMs', 'PARLEY_LIVE_FLUSH_MS'],
  ['maxMemberBytes', 'PARLEY_LIVE_MAX_MEMBER_BYTES'],
  ['slowGraceMs', 'PARLEY_LIVE_SLOW_GRACE_MS'],
  ['countRefreshMs', 'PARLEY_LIVE_COUNT_REFRESH_MS'],
  ['noticeFlushMs', 'PARLEY_LIVE_NOTICE_FLUSH_MS'],
  ['noticeSample', 'PARLEY_LIVE_NOTICE_SAMPLE'],
];

export function liveOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Tunables {
  const out: Tunables = {};
  for (const [key, name] of VARS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
    out[key] = n;
  }
  return out;
}
