/**
 * @module messaging/daily-stats
 * The daily figures `openconfigsvr/getappinfo` reports, recorded cheaply: the send path and the
 * gateway bump in-memory counters and distinct-key sets per (app, UTC day); a timer flushes them to
 * the StatsStore in one transaction every `flushMs`, and `flush()` runs before a read so the
 * figures are current. A key already flushed today is not written again (bounded memory: past
 * `maxSeen` keys the store's own de-duplication takes over).
 *
 * Counters: C2CUpMsgNum, GroupUpMsgNum, LoginTimes, GroupNewGroupNum, GroupDestroyGroupNum,
 * GroupJoinGroupTimes, GroupQuitGroupTimes, CallBackReq. Distinct kinds: active (users who logged in
 * or sent), login, sender, c2c_sender, group_sender, group (groups that got a message).
 */
import type { Logger } from '../observability/logger.ts';
import { dayOf, type DailyDelta, type StatsStore } from '../store/dirty-word-store.ts';

interface Pending {
  counters: Record<string, number>;
  distinct: Record<string, Set<string>>;
}

export class DailyStats {
  private pending = new Map<string, Pending>();
  /** Keys written today: "app|kind" → keys. Nested so no composite string is built per message. */
  private seen = new Map<string, Set<string>>();
  private seenCount = 0;
  private seenDay = '';
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Today's key and when it changes: formatting a date costs microseconds, so it is done once a day. */
  private day = '';
  private dayEndsAt = 0;
  /** The last slot used: most traffic is one app at a time. */
  private lastApp = -1;
  private lastDay = '';
  private lastKey = '';
  private lastSlot: Pending | undefined;

  constructor(
    private readonly store: StatsStore,
    private readonly now: () => number = Date.now,
    private readonly logger?: Logger,
    flushMs = 5_000,
    private readonly maxSeen = 200_000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  count(sdkAppId: number, name: string, by = 1): void {
    const p = this.slot(sdkAppId);
    p.counters[name] = (p.counters[name] ?? 0) + by;
  }

  distinct(sdkAppId: number, kind: string, key: string): void {
    this.add(this.slot(sdkAppId), sdkAppId, kind, key);
  }

  message(sdkAppId: number, kind: 'c2c' | 'group', from: string, groupId?: string): void {
    const p = this.slot(sdkAppId);
    const counter = kind === 'c2c' ? 'C2CUpMsgNum' : 'GroupUpMsgNum';
    p.counters[counter] = (p.counters[counter] ?? 0) + 1;
    this.add(p, sdkAppId, 'active', from);
    this.add(p, sdkAppId, 'sender', from);
    this.add(p, sdkAppId, kind === 'c2c' ? 'c2c_sender' : 'group_sender', from);
    if (groupId !== undefined) this.add(p, sdkAppId, 'group', groupId);
  }

  login(sdkAppId: number, userID: string): void {
    const p = this.slot(sdkAppId);
    p.counters['LoginTimes'] = (p.counters['LoginTimes'] ?? 0) + 1;
    this.add(p, sdkAppId, 'active', userID);
    this.add(p, sdkAppId, 'login', userID);
  }

  private add(p: Pending, sdkAppId: number, kind: string, key: string): void {
    // Keys already written today are skipped (the store would ignore them anyway).
    if (this.seenCount > 0 && this.seenDay === this.day && this.seen.get(kindKey(sdkAppId, kind))?.has(key)) return;
    (p.distinct[kind] ??= new Set()).add(key);
  }

  /** Writes what is pending; concurrent calls queue behind each other. Never rejects. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** The current UTC day, `YYYYMMDD`. */
  private today(): string {
    const now = this.now();
    if (now >= this.dayEndsAt || now < this.dayEndsAt - 86_400_000) {
      this.day = dayOf(now);
      this.dayEndsAt = (Math.floor(now / 86_400_000) + 1) * 86_400_000;
    }
    return this.day;
  }

  private slot(sdkAppId: number): Pending {
    const day = this.today();
    if (sdkAppId === this.lastApp && day === this.lastDay && this.lastSlot && this.pending.get(this.lastKey) === this.lastSlot) return this.lastSlot;
    const key = `${sdkAppId}|${day}`;
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { counters: {}, distinct: {} }));
    this.lastApp = sdkAppId;
    this.lastDay = day;
    this.lastKey = key;
    this.lastSlot = p;
    return p;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const deltas: DailyDelta[] = [];
    for (const [key, p] of batch) {
      const [app, day] = key.split('|') as [string, string];
      const distinct: Record<string, string[]> = {};
      for (const [kind, set] of Object.entries(p.distinct)) distinct[kind] = [...set];
      deltas.push({ sdkAppId: Number(app), day, counters: p.counters, distinct });
    }
    try {
      await this.store.addDaily(deltas);
      const today = this.today();
      if (this.seenDay !== today) {
        this.seen.clear();
        this.seenCount = 0;
        this.seenDay = today;
      }
      for (const d of deltas) {
        if (d.day !== today) continue;
        for (const [kind, keys] of Object.entries(d.distinct)) {
          const kk = kindKey(d.sdkAppId, kind);
          let set = this.seen.get(kk);
          if (!set) this.seen.set(kk, (set = new Set()));
          for (const k of keys) {
            if (this.seenCount >= this.maxSeen) break;
            if (!set.has(k)) {
              set.add(k);
              this.seenCount++;
            }
          }
        }
      }
    } catch (err) {
      // Figures are best effort: put the batch back so the next flush retries it.
      for (const [key, p] of batch) {
        const cur = this.pending.get(key);
        if (!cur) {
          this.pending.set(key, p);
          continue;
        }
        for (const [n, v] of Object.entries(p.counters)) cur.counters[n] = (cur.counters[n] ?? 0) + v;
        for (const [k, s] of Object.entries(p.distinct)) for (const x of s) (cur.distinct[k] ??= new Set()).add(x);
      }
      this.logger?.warn({ err }, 'writing daily figures failed; will retry');
    }
  }
}

const kindKeys = new Map<number, Map<string, string>>();
/** "app|kind", interned: the same few strings serve every lookup. */
function kindKey(sdkAppId: number, kind: string): string {
  let byKind = kindKeys.get(sdkAppId);
  if (!byKind) kindKeys.set(sdkAppId, (byKind = new Map()));
  let k = byKind.get(kind);
  if (k === undefined) byKind.set(kind, (k = `${sdkAppId}|${kind}`));
  return k;
}
