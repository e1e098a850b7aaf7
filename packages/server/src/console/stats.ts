/**
 * @module console/stats
 * The console's live statistics: online sessions, messages per second (durable messages through
 * the group committer, plus live-room messages admitted by the room limiter) and the live rooms
 * with their online counts. Sampled once a second, only while someone has asked in the last
 * 30 s; the last two minutes are kept so a page that opens gets a filled chart at once.
 *
 * Live rooms are found through the group store (AVChatRoom groups of each app) and sized with
 * `liveRooms.onlineCount` (exact on one node, the periodically refreshed cluster sum otherwise).
 */
import type { Services } from '../services.ts';

export interface StatsSample {
  /** Unix ms. */
  t: number;
  sessions: number;
  connections: number;
  /** Durable messages (C2C and group) committed per second. */
  storedPerSec: number;
  /** Live-room messages published per second. */
  livePerSec: number;
}

export interface RoomStat {
  sdkAppId: number;
  groupId: string;
  name: string;
  online: number;
}

export interface StatsSnapshot {
  node: string;
  now: number;
  samples: StatsSample[];
  rooms: RoomStat[];
  roomsTotal: number;
}

const HISTORY = 120;
const IDLE_MS = 30_000;
const ROOMS_EVERY_MS = 2_000;
const MAX_APPS = 200;
const MAX_ROOMS_PER_APP = 1_000;

export class ConsoleStats {
  readonly #samples: StatsSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lastAsked = 0;
  #prev: { t: number; committed: number; live: number } | undefined;
  #rooms: RoomStat[] = [];
  #roomsAt = 0;
  #roomsBusy = false;

  constructor(
    private readonly services: Services,
    private readonly connections: () => number,
    private readonly listApps: () => Promise<number[]>,
  ) {}

  /** Starts sampling if idle and answers with what is known (rooms filtered to `sdkAppId` when given). */
  async snapshot(sdkAppId?: number): Promise<StatsSnapshot> {
    this.#lastAsked = Date.now();
    if (!this.#timer) {
      await this.#sample();
      this.#timer = setInterval(() => void this.#tick(), 1_000);
      this.#timer.unref();
    }
    if (Date.now() - this.#roomsAt > ROOMS_EVERY_MS) await this.#refreshRooms();
    const rooms = sdkAppId === undefined ? this.#rooms : this.#rooms.filter((r) => r.sdkAppId === sdkAppId);
    return { node: this.services.config.nodeId, now: Date.now(), samples: this.#samples.slice(), rooms: rooms.slice(0, 50), roomsTotal: rooms.length };
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (Date.now() - this.#lastAsked > IDLE_MS) {
      this.close();
      this.#prev = undefined;
      return;
    }
    await this.#sample();
  }

  async #livePublished(): Promise<number> {
    const c = this.services.metrics.registry.getSingleMetric('parley_live_published_total');
    if (!c) return 0;
    const v = await c.get();
    let sum = 0;
    for (const x of v.values) sum += x.value;
    return sum;
  }

  async #sample(): Promise<void> {
    const t = Date.now();
    const committed = this.services.committer.committed;
    const live = await this.#livePublished();
    const prev = this.#prev;
    const dt = prev ? Math.max(0.001, (t - prev.t) / 1000) : 1;
    this.#prev = { t, committed, live };
    if (!prev) return;
    this.#samples.push({
      t,
      sessions: this.services.sessions.size,
      connections: this.connections(),
      storedPerSec: Math.round((committed - prev.committed) / dt),
      livePerSec: Math.round((live - prev.live) / dt),
    });
    if (this.#samples.length > HISTORY) this.#samples.splice(0, this.#samples.length - HISTORY);
  }

  /** One app's live rooms, read now (the live page's room picker). */
  async roomsOf(sdkAppId: number): Promise<RoomStat[]> {
    const out: RoomStat[] = [];
    const { store, liveRooms } = this.services;
    const { groupIds } = await store.groups.listGroups(sdkAppId, { type: 'AVChatRoom', next: 0, limit: MAX_ROOMS_PER_APP });
    if (groupIds.length === 0) return out;
    const groups = await store.groups.getGroups(sdkAppId, groupIds);
    for (const groupId of groupIds) {
      const online = await liveRooms.onlineCount(sdkAppId, groupId);
      out.push({ sdkAppId, groupId, name: groups.get(groupId)?.name ?? groupId, online });
    }
    return out.sort((a, b) => b.online - a.online || a.groupId.localeCompare(b.groupId));
  }

  async #refreshRooms(): Promise<void> {
    if (this.#roomsBusy) return;
    this.#roomsBusy = true;
    try {
      const out: RoomStat[] = [];
      for (const sdkAppId of (await this.listApps()).slice(0, MAX_APPS)) out.push(...(await this.roomsOf(sdkAppId)));
      out.sort((a, b) => b.online - a.online || a.groupId.localeCompare(b.groupId));
      this.#rooms = out;
      this.#roomsAt = Date.now();
    } finally {
      this.#roomsBusy = false;
    }
  }
}
