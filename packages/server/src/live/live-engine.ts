/**
 * @module live/live-engine
 * The live-room fan-out engine (AVChatRoom, BChatRoom): implements `LiveRooms` (docs/live-rooms.md).
 *
 * Per room: a ring of encoded pushes (each appended once, whatever the number of members), one
 * cursor per local member, and a sweep. A sweep walks the members in chunks of `sweepChunk`,
 * yielding to the event loop between chunks, and sends each member what lies between its cursor
 * and the ring's head at that moment: ONE frame — a JSON array text, built by joining the encoded
 * pushes, framed once as a WebSocket text frame. Members of a chunk share their cursor (they were
 * sent the same thing in the previous sweep), so a chunk costs one encoding and the same Buffer is
 * written to each of them. Per-member work is one pressure check and one socket write per frame,
 * never per message.
 *
 * Why sweeps rather than one flush that writes every member at once: with 10,000 members a pass
 * is 10,000 socket writes, hundreds of milliseconds on one thread. A message arriving during a pass
 * used to wait for the whole pass, the flush window and a whole second pass; now the members not
 * yet visited get it in the pass under way, so a message reaches everyone within about one sweep.
 * Sweeps start at most once per `flushMs` (a member gets at most one frame per window; an idle
 * room sends a lone message at once) and run back to back while the room is busy, so under load
 * frames per member per second fall as messages per frame rise. Other rooms and the gateway get
 * the event loop between chunks.
 *
 * A member whose pending bytes (connection queue + socket buffer) are over `maxMemberBytes` is
 * skipped and keeps its cursor; once its socket drains it gets a catch-up frame cut from its
 * cursor (state updates collapsed to the latest, Lowest then Low then Normal dropped to fit the
 * catch-up budget, High never). Members skipped together share their catch-up encoding. A member
 * still behind after `slowGraceMs` is closed with SLOW_CONSUMER.
 *
 * Cluster: a room entry is published once on the room's bus channel; every node that has local
 * members is subscribed and appends it to its own ring. Likes are counted locally and published as
 * one aggregated delta per flush; online counts go through presence (per-node counts, summed).
 */
import type { Priority } from '@parley/protocol';
import { Codes } from '@parley/protocol';
import type { Bus } from '../bus/bus.ts';
import { msBetween, shortMs } from '../core/short-ms.ts';
import type { PushTarget } from '../core/push-target.ts';
import type { ClientConnection, LiveMembership } from '../gateway/client-connection.ts';
import { CloseCodes } from '../gateway/close-codes.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Presence } from '../presence/presence.ts';
import type { AppSettings } from '../store/app-store.ts';
import { BROADCAST_CHANNEL, decodeLiveMessage, encodeLiveMessage, roomChannel, type LiveEntry } from './live-cluster.ts';
import type { LiveRooms, PublishOutcome, RoomMemberInfo } from './live-rooms.ts';
import { RoomLimiter, type PriorityRank } from './room-limiter.ts';
import { encodeTextFrame, writeShared, type SharedFrame } from './ws-frame.ts';

export interface LiveEngineOptions {
  nodeId: string;
  bus: Bus;
  presence: Presence;
  /** False on a single node: no bus traffic at all. */
  clustered: boolean;
  metrics: Metrics;
  logger: Logger;
  /** App settings (likeFlushMs, roomHistoryOnJoin); read when a room is opened. */
  appSettings?: (sdkAppId: number) => Promise<Partial<AppSettings> | undefined>;
  /** Local sessions, for BChatRoom broadcasts. */
  sessions?: { all(): Iterable<PushTarget> };
  /** Room flush window (ms): sweeps start at most this often. Default 50. */
  flushMs?: number;
  /** Members written per sweep chunk before yielding to the event loop. Default 500. */
  sweepChunk?: number;
  /** Pending bytes per member above which it is skipped. Default 1 MiB. */
  maxMemberBytes?: number;
  /** How long a member may stay behind before SLOW_CONSUMER. Default 5 s. */
  slowGraceMs?: number;
  /** Largest catch-up frame; lower priorities are dropped to fit. Default maxMemberBytes / 2. */
  catchUpBytes?: number;
  /** Online-count refresh (presence write + read) and roomStats push check. Default 5 s. */
  countRefreshMs?: number;
  /** Enter/exit notices are cut at most once per this window. Default 1 s. */
  noticeFlushMs?: number;
  /** Users listed by name in one notice; above it the notice carries a sample and a count. Default 10. */
  noticeSample?: number;
  /** Ring bounds per room: beyond them members that are behind lose the oldest entries. */
  ringMaxEntries?: number;
  ringMaxBytes?: number;
  /** Empty rooms (no local members) are forgotten after this long. Default 60 s. */
  roomIdleMs?: number;
  /** Users shown in `likes.topUsers`. Default 3. */
  topLikers?: number;
  now?: () => number;
}

/** Ring entry kinds: messages and notices stay in catch-up frames; state pushes (isState) collapse to the latest. */
const enum Kind {
  Message = 0,
  Members = 1,
  Likes = 2,
  Stats = 3,
  /** Group attributes (the whole map in each push). */
  Attributes = 4,
}

/** State pushes carry the whole state: a member catching up needs only the latest of each kind. */
const isState = (k: Kind): boolean => k === Kind.Likes || k === Kind.Stats || k === Kind.Attributes;

const RANK: Record<Priority, PriorityRank> = { High: 0, Normal: 1, Low: 2, Lowest: 3 };
const PRIORITY_NAMES = ['High', 'Normal', 'Low', 'Lowest'] as const;

interface Entry {
  readonly seq: number;
  readonly text: string;
  readonly rank: number;
  readonly kind: Kind;
}

interface Sample {
  userID: string;
  nick?: string;
  avatar?: string;
}

/** Member info without a nick or avatar (most members): shared, not an object per member. */
const PLAIN_MEMBER: RoomMemberInfo = Object.freeze({ receiveOnly: false });
const PLAIN_RECEIVE_ONLY: RoomMemberInfo = Object.freeze({ receiveOnly: true });
const sharedInfo = (info: RoomMemberInfo): RoomMemberInfo =>
  info.nick || info.avatar ? info : info.receiveOnly ? PLAIN_RECEIVE_ONLY : PLAIN_MEMBER;

/** Kept on the connection (`conn.live`): no map from connection to member, no close listener. */
class Member implements LiveMembership {
  /** Sequence of the last entry this member was sent. */
  cursor: number;
  /** When it was first skipped, in short ms (core/short-ms.ts); -1 while keeping up. */
  behindSince = -1;
  constructor(
    readonly conn: ClientConnection,
    readonly room: Room,
    public info: RoomMemberInfo,
    cursor: number,
  ) {
    this.cursor = cursor;
  }

  /** The gateway calls this when the connection closes. */
  connectionClosed(): void {
    this.room.engine.memberClosed(this);
  }
}

class Room {
  readonly members = new Set<Member>();
  readonly channel: string;
  readonly limiter = new RoomLimiter();
  // --- ring ---
  ring: Entry[] = [];
  ringHead = 0;
  ringBytes = 0;
  nextSeq = 1;
  // --- sweep ---
  /** The next sweep's start, or the next chunk's (an immediate) while a sweep is under way. */
  flushTimer: NodeJS.Timeout | undefined;
  chunkImmediate: NodeJS.Immediate | undefined;
  sweep: Iterator<Member> | undefined;
  /** When the last sweep started (engine clock, ms); sweeps start at most once per flushMs. */
  sweepStartedAt = -Infinity;
  /** The lowest cursor left by the current sweep (what the ring must keep). */
  sweepMin = 0;
  sweepBehind = 0;
  /** Sweeps started so far, and members visited by the current one (whenFlushed waiters). */
  sweepCount = 0;
  sweepPos = 0;
  // --- settings ---
  likeFlushMs = 500;
  historyOnJoin = 0;
  history: string[] = [];
  ready: Promise<void>;
  subscribed = false;
  subscribing: Promise<void> | undefined;
  // --- likes ---
  likeTotal = 0;
  likeDelta = 0;
  likeUsers = new Map<string, number>();
  top: { userID: string; count: number }[] = [];
  topChanged = false;
  likeOut = new Map<string, number>();
  likeOutDelta = 0;
  likeTimer: NodeJS.Timeout | undefined;
  // --- notices ---
  joined: Sample[] = [];
  joinedCount = 0;
  left: Sample[] = [];
  leftCount = 0;
  noticeTimer: NodeJS.Timeout | undefined;
  // --- counts ---
  reportedLocal = 0;
  /** Cluster-wide count at the last refresh, minus this node's share then. */
  remoteCount = 0;
  lastStatsPushed = -1;
  emptySince: number;
  closed = false;
  /** whenFlushed callers: done once sweep `sweep` has visited `pos` members, or has ended. */
  flushWaiters: { sweep: number; pos: number; resolve: () => void }[] = [];
  /** Entries appended here this turn, to publish on the bus as one message. */
  busOut: LiveEntry[] = [];

  constructor(readonly engine: LiveRoomEngine, readonly key: string, readonly sdkAppId: number, readonly groupId: string, now: number) {
    this.channel = roomChannel(sdkAppId, groupId);
    this.emptySince = now;
    this.ready = Promise.resolve();
  }

  get onlineCount(): number {
    return this.remoteCount + this.members.size;
  }

  entryAt(seq: number): Entry | undefined {
    const first = this.ring[this.ringHead];
    if (!first) return undefined;
    return this.ring[this.ringHead + (seq - first.seq)];
  }

  get firstSeq(): number {
    return this.ring[this.ringHead]?.seq ?? this.nextSeq;
  }
}

/** Counters the tests and the benchmark read (also exported as Prometheus metrics). */
export interface LiveEngineStats {
  /** Room frames encoded (shared frames: one per sweep chunk with something new). */
  framesEncoded: number;
  /** Shared-frame socket writes (at most one per member per sweep). */
  frameWrites: number;
  catchUpFrames: number;
  catchUpEncodes: number;
  flushes: number;
  slowConsumers: number;
}

export class LiveRoomEngine implements LiveRooms {
  readonly stats: LiveEngineStats = { framesEncoded: 0, frameWrites: 0, catchUpFrames: 0, catchUpEncodes: 0, flushes: 0, slowConsumers: 0 };
  readonly #rooms = new Map<string, Room>();
  readonly #o: Required<Omit<LiveEngineOptions, 'appSettings' | 'sessions'>> & Pick<LiveEngineOptions, 'appSettings' | 'sessions'>;
  readonly #countTimer: NodeJS.Timeout;
  #refreshing = false;
  #closed = false;
  #broadcastPending = new Map<number, string[]>();
  #broadcastTimer: NodeJS.Timeout | undefined;
  /** Rooms with entries waiting for this turn's bus message (#emit). */
  #busRooms: Room[] = [];
  #busImmediate: NodeJS.Immediate | undefined;
  readonly #m;

  constructor(options: LiveEngineOptions) {
    const maxMemberBytes = options.maxMemberBytes ?? 1024 * 1024;
    this.#o = {
      flushMs: 50,
      sweepChunk: 500,
      slowGraceMs: 5_000,
      catchUpBytes: Math.floor(maxMemberBytes / 2),
      countRefreshMs: 5_000,
      noticeFlushMs: 1_000,
      noticeSample: 10,
      ringMaxEntries: 16_384,
      ringMaxBytes: 16 * 1024 * 1024,
      roomIdleMs: 60_000,
      topLikers: 3,
      now: Date.now,
      ...options,
      maxMemberBytes,
    };
    const m = options.metrics;
    this.#m = {
      members: m.gauge('parley_live_members', 'Live-room members on this node'),
      rooms: m.gauge('parley_live_rooms', 'Live rooms with state on this node'),
      published: m.counter('parley_live_published_total', 'Live-room messages admitted by the room limiter', ['priority']),
      dropped: m.counter('parley_live_dropped_total', 'Live-room messages dropped (MsgFreqCtrl: room limiter; slow: catch-up budget; overflow: ring bound)', ['reason', 'priority']),
      frames: m.counter('parley_live_frames_encoded_total', 'Live-room frames encoded (once per sweep chunk with something new)'),
      writes: m.counter('parley_live_frame_writes_total', 'Live-room frame writes to member sockets'),
      catchUps: m.counter('parley_live_catchup_frames_total', 'Catch-up frames written to members that fell behind'),
      slow: m.counter('parley_live_slow_consumers_total', 'Members disconnected with SLOW_CONSUMER'),
      likes: m.counter('parley_live_likes_total', 'Like taps counted'),
    };
    this.#countTimer = setInterval(() => void this.#refreshCounts(), this.#o.countRefreshMs);
    this.#countTimer.unref();
    if (this.#o.clustered) {
      this.#o.bus.subscribe(BROADCAST_CHANNEL, (p) => this.#onBroadcastBus(p)).catch((err: unknown) => {
        this.#o.logger.warn({ err }, 'live: broadcast channel subscribe failed');
      });
    }
  }

  // ---------------------------------------------------------------- membership

  async join(conn: ClientConnection, sdkAppId: number, groupId: string, info: RoomMemberInfo): Promise<{ memberCount: number }> {
    if (this.#closed) throw new Error('live engine closed');
    info = sharedInfo(info);
    const existing = memberOf(conn);
    if (existing) {
      if (existing.room.sdkAppId === sdkAppId && existing.room.groupId === groupId && !existing.room.closed) {
        existing.info = info;
        return { memberCount: existing.room.onlineCount };
      }
      this.#removeMember(existing, true);
    }
    const room = this.#room(sdkAppId, groupId, true)!;
    await room.ready;
    if (this.#o.clustered && !room.subscribed) await this.#subscribe(room);
    if (conn.closed || room.closed) return { memberCount: room.onlineCount };
    // A concurrent join of the same connection may have won the race.
    const again = memberOf(conn);
    if (again) {
      if (again.room === room) return { memberCount: room.onlineCount };
      this.#removeMember(again, true);
    }
    // From the head: entries appended before the join are not sent (they may be in `history`).
    const member = new Member(conn, room, info, room.nextSeq - 1);
    room.members.add(member);
    conn.live = member;
    this.#m.members.inc();
    for (const text of room.history) conn.push(text);
    this.#notice(room, 'join', conn.userID, info);
    return { memberCount: room.onlineCount };
  }

  async leave(conn: ClientConnection, sdkAppId: number, groupId: string): Promise<void> {
    const m = memberOf(conn);
    if (m && m.room.sdkAppId === sdkAppId && m.room.groupId === groupId) this.#removeMember(m, true);
  }

  roomOf(conn: ClientConnection): { sdkAppId: number; groupId: string; receiveOnly: boolean } | undefined {
    const m = memberOf(conn);
    return m ? { sdkAppId: m.room.sdkAppId, groupId: m.room.groupId, receiveOnly: m.info.receiveOnly } : undefined;
  }

  /** Local members of a room (tests, diagnostics). */
  localMembers(sdkAppId: number, groupId: string): number {
    return this.#rooms.get(`${sdkAppId}:${groupId}`)?.members.size ?? 0;
  }

  /** @internal The member's connection closed (Member.connectionClosed). */
  memberClosed(m: Member): void {
    this.#removeMember(m, true);
  }

  #removeMember(m: Member, notice: boolean): void {
    const room = m.room;
    if (!room.members.delete(m)) return;
    if (m.conn.live === m) m.conn.live = undefined;
    this.#m.members.dec();
    if (notice && !room.closed) this.#notice(room, 'leave', m.conn.userID, m.info);
    if (room.members.size === 0) {
      room.emptySince = this.#o.now();
      if (room.subscribed && this.#o.clustered) {
        room.subscribed = false;
        this.#o.bus.unsubscribe(room.channel).catch(() => {});
      }
    }
  }

  #room(sdkAppId: number, groupId: string, create: boolean): Room | undefined {
    const key = `${sdkAppId}:${groupId}`;
    let room = this.#rooms.get(key);
    if (room || !create) return room;
    room = new Room(this, key, sdkAppId, groupId, this.#o.now());
    this.#rooms.set(key, room);
    this.#m.rooms.inc();
    const r = room;
    const load = async () => {
      const s = await this.#o.appSettings?.(sdkAppId).catch(() => undefined);
      if (s?.likeFlushMs !== undefined && s.likeFlushMs > 0) r.likeFlushMs = s.likeFlushMs;
      if (s?.roomHistoryOnJoin !== undefined) r.historyOnJoin = Math.max(0, Math.min(100, Math.floor(s.roomHistoryOnJoin)));
      if (this.#o.clustered) {
        const total = await this.#o.presence.roomCount(sdkAppId, groupId).catch(() => 0);
        r.remoteCount = Math.max(0, total - r.reportedLocal);
      }
    };
    room.ready = this.#o.appSettings || this.#o.clustered ? load() : Promise.resolve();
    return room;
  }

  #subscribe(room: Room): Promise<void> {
    room.subscribing ??= this.#o.bus
      .subscribe(room.channel, (payload) => this.#onRoomBus(room.key, payload))
      .then(() => {
        room.subscribed = true;
      })
      .catch((err: unknown) => {
        this.#o.logger.warn({ err, room: room.key }, 'live: room subscribe failed');
      })
      .finally(() => {
        room.subscribing = undefined;
      });
    return room.subscribing;
  }

  // ---------------------------------------------------------------- publishing

  publish(sdkAppId: number, groupId: string, wireMessage: string, priority: Priority, ratePerSecond: number): PublishOutcome {
    const rank = RANK[priority] ?? 1;
    const room = this.#room(sdkAppId, groupId, true)!;
    if (!room.limiter.admit(rank, ratePerSecond, this.#o.now())) {
      this.#m.dropped.inc({ reason: 'MsgFreqCtrl', priority: PRIORITY_NAMES[rank] });
      return { delivered: false, dropReason: 'MsgFreqCtrl' };
    }
    this.#m.published.inc({ priority: PRIORITY_NAMES[rank] });
    const text = `{"push":"roomMessage","data":${wireMessage}}`;
    this.#emit(room, text, rank, Kind.Message);
    return { delivered: true };
  }

  pushAttributes(sdkAppId: number, groupId: string, push: string): void {
    if (this.#closed) return;
    this.#emit(this.#room(sdkAppId, groupId, true)!, push, 0, Kind.Attributes);
  }

  /**
   * Appends locally and publishes once to the room channel (cluster). Entries of one event-loop
   * turn go out as one bus message per room: a batch of 100 sends costs one PUBLISH, and the other
   * nodes decode one message instead of 100.
   */
  #emit(room: Room, text: string, rank: number, kind: Kind): void {
    this.#append(room, text, rank, kind);
    if (!this.#o.clustered) return;
    if (room.busOut.length === 0) this.#busRooms.push(room);
    room.busOut.push({ rank, kind, text });
    this.#busImmediate ??= setImmediate(() => this.#publishEntries());
  }

  #publishEntries(): void {
    this.#busImmediate = undefined;
    const rooms = this.#busRooms;
    this.#busRooms = [];
    for (const room of rooms) this.#publishRoomEntries(room);
  }

  #publishRoomEntries(room: Room): void {
    if (room.busOut.length === 0) return;
    const entries = room.busOut;
    room.busOut = [];
    this.#o.bus.publish(room.channel, encodeLiveMessage({ t: 'entries', origin: this.#o.nodeId, entries })).catch((err: unknown) => {
      this.#o.logger.warn({ err }, 'live: bus publish failed');
    });
  }

  #append(room: Room, text: string, rank: number, kind: Kind): void {
    if (kind === Kind.Message && room.historyOnJoin > 0) {
      room.history.push(text);
      if (room.history.length > room.historyOnJoin) room.history.shift();
    }
    if (room.members.size === 0) return;
    room.ring.push({ seq: room.nextSeq++, text, rank, kind });
    room.ringBytes += text.length;
    this.#bound(room);
    this.#schedule(room);
  }

  /** Starts a sweep once `flushMs` has passed since the last one began (a sweep under way carries on). */
  #schedule(room: Room): void {
    if (room.flushTimer !== undefined || room.sweep !== undefined || room.closed) return;
    const wait = room.sweepStartedAt + this.#o.flushMs - this.#o.now();
    room.flushTimer = setTimeout(flushRoom, wait > 0 ? wait : 0, this, room);
  }

  /** Drops the oldest entries beyond the ring bounds (members behind lose them). */
  #bound(room: Room): void {
    const { ringMaxEntries, ringMaxBytes } = this.#o;
    while (room.ring.length - room.ringHead > ringMaxEntries || (room.ringBytes > ringMaxBytes && room.ring.length - room.ringHead > 1)) {
      const e = room.ring[room.ringHead++]!;
      room.ringBytes -= e.text.length;
    }
    this.#compact(room);
  }

  #compact(room: Room): void {
    if (room.ringHead > 1024 && room.ringHead * 2 > room.ring.length) {
      room.ring = room.ring.slice(room.ringHead);
      room.ringHead = 0;
    }
  }

  /** @internal The room's timer: starts a sweep, or runs its next chunk. */
  flush(room: Room): void {
    room.flushTimer = undefined;
    room.chunkImmediate = undefined;
    if (room.closed) return;
    const now = this.#o.now();
    if (room.sweep === undefined) {
      room.sweep = room.members.values();
      room.sweepStartedAt = now;
      room.sweepMin = room.nextSeq - 1;
      room.sweepBehind = 0;
      room.sweepCount++;
      room.sweepPos = 0;
      this.stats.flushes++;
    }
    const to = room.nextSeq - 1;
    const limit = this.#o.maxMemberBytes;
    const grace = this.#o.slowGraceMs;
    let writes = 0;
    // Frames of this chunk by the cursor they start from; catch-up frames apart (they shed).
    let frames: Map<number, SharedFrame> | undefined;
    let catchUps: Map<number, SharedFrame> | undefined;
    let budget = this.#o.sweepChunk;
    let done = false;
    while (budget-- > 0) {
      const next = room.sweep.next();
      if (next.done) {
        done = true;
        break;
      }
      const m = next.value;
      room.sweepPos++;
      const conn = m.conn;
      const ws = conn.ws;
      if (conn.closed || ws.readyState !== 1) {
        this.#removeMember(m, true);
        continue;
      }
      if (m.cursor < to) {
        const pending = ws.bufferedAmount + conn.queuedBytes;
        const keepingUp = m.behindSince < 0;
        if (keepingUp ? pending <= limit : pending <= limit / 2) {
          let frame: SharedFrame | undefined;
          if (keepingUp) {
            frame = (frames ??= new Map()).get(m.cursor);
            if (frame === undefined) {
              frame = encodeTextFrame(this.#frameText(room, Math.max(m.cursor + 1, room.firstSeq), to));
              frames.set(m.cursor, frame);
              this.stats.framesEncoded++;
              this.#m.frames.inc();
            }
            writes++;
          } else {
            frame = (catchUps ??= new Map()).get(m.cursor);
            if (frame === undefined) {
              frame = this.#catchUpFrame(room, m.cursor, to);
              catchUps.set(m.cursor, frame);
            }
            this.stats.catchUpFrames++;
            this.#m.catchUps.inc();
          }
          if (frame.payload.length > 0) writeShared(ws, frame);
          m.cursor = to;
          m.behindSince = -1;
        } else {
          if (m.behindSince < 0) m.behindSince = shortMs(now);
          else if (msBetween(m.behindSince, shortMs(now)) > grace) {
            this.#cutSlow(m);
            continue;
          }
          room.sweepBehind++;
        }
      }
      if (m.cursor < room.sweepMin) room.sweepMin = m.cursor;
    }
    if (writes > 0) {
      this.stats.frameWrites += writes;
      this.#m.writes.inc(writes);
    }
    if (!done) {
      room.chunkImmediate = setImmediate(flushRoom, this, room);
      if (room.flushWaiters.length > 0) this.#resolveWaiters(room, false);
      return;
    }
    this.#endSweep(room);
  }

  #resolveWaiters(room: Room, sweepEnded: boolean): void {
    const waiting: typeof room.flushWaiters = [];
    for (const w of room.flushWaiters) {
      if (room.sweepCount > w.sweep || (room.sweepCount === w.sweep && (sweepEnded || room.sweepPos >= w.pos))) w.resolve();
      else waiting.push(w);
    }
    room.flushWaiters = waiting;
  }

  #endSweep(room: Room): void {
    room.sweep = undefined;
    // Entries every member has been sent are no longer needed.
    const min = room.sweepMin;
    while (room.ringHead < room.ring.length && room.ring[room.ringHead]!.seq <= min) {
      room.ringBytes -= room.ring[room.ringHead]!.text.length;
      room.ringHead++;
    }
    if (room.ringHead === room.ring.length) {
      room.ring = [];
      room.ringHead = 0;
      room.ringBytes = 0;
    } else this.#compact(room);
    // Appended during the sweep (members visited early lack it) or members behind: sweep again.
    if (room.sweepBehind > 0 || room.nextSeq - 1 > min) this.#schedule(room);
    if (room.flushWaiters.length > 0) this.#resolveWaiters(room, true);
  }

  /** Resolves once what is pending in the room has been written to every member keeping up (benchmarks, tests). */
  whenFlushed(sdkAppId: number, groupId: string): Promise<void> {
    const room = this.#rooms.get(`${sdkAppId}:${groupId}`);
    if (!room || (room.flushTimer === undefined && room.sweep === undefined)) return Promise.resolve();
    // Under way: the members it has visited lack what is pending, and get it when the next sweep
    // reaches the same place. Not under way: the next sweep carries all of it.
    const pos = room.sweep !== undefined ? room.sweepPos : Infinity;
    return new Promise((resolve) => room.flushWaiters.push({ sweep: room.sweepCount + 1, pos, resolve }));
  }

  /** `[a,b,c]`: the encoded pushes joined, never re-encoded. */
  #frameText(room: Room, from: number, to: number): string {
    const start = room.ringHead + (from - room.firstSeq);
    const end = start + (to - from) + 1;
    const parts = new Array<string>(end - start);
    for (let i = start; i < end; i++) parts[i - start] = room.ring[i]!.text;
    return `[${parts.join(',')}]`;
  }

  /** Entries after `cursor` up to `to`, state collapsed, shed from the lowest priority to fit. */
  #catchUpFrame(room: Room, cursor: number, to: number): SharedFrame {
    this.stats.catchUpEncodes++;
    const first = room.firstSeq;
    if (cursor + 1 < first) this.#m.dropped.inc({ reason: 'overflow', priority: 'Normal' }, first - cursor - 1);
    const from = Math.max(cursor + 1, first);
    const picked: Entry[] = [];
    const latestState = new Map<Kind, number>();
    for (let seq = from; seq <= to; seq++) {
      const e = room.entryAt(seq);
      if (!e) continue;
      if (isState(e.kind)) latestState.set(e.kind, picked.length);
      picked.push(e);
    }
    let keep: (Entry | undefined)[] = picked.map((e, i) =>
      isState(e.kind) && latestState.get(e.kind) !== i ? undefined : e,
    );
    let bytes = 0;
    for (const e of keep) if (e) bytes += e.text.length + 1;
    const budget = this.#o.catchUpBytes;
    for (let rank = 3; rank >= 1 && bytes > budget; rank--) {
      keep = keep.map((e) => {
        if (e && e.rank === rank && bytes > budget) {
          bytes -= e.text.length + 1;
          this.#m.dropped.inc({ reason: 'slow', priority: PRIORITY_NAMES[rank] ?? 'Low' });
          return undefined;
        }
        return e;
      });
    }
    const texts: string[] = [];
    for (const e of keep) if (e) texts.push(e.text);
    if (texts.length === 0) return { framed: Buffer.alloc(0), payload: Buffer.alloc(0) };
    return encodeTextFrame(`[${texts.join(',')}]`);
  }

  #cutSlow(m: Member): void {
    this.stats.slowConsumers++;
    this.#m.slow.inc();
    this.#removeMember(m, true);
    const conn = m.conn;
    conn.closed = true;
    try {
      conn.ws.close(CloseCodes.SLOW_CONSUMER, Codes.SLOW_CONSUMER.message.slice(0, 120));
    } catch {
      // already closing
    }
    // A client that stopped reading will not complete the closing handshake.
    setTimeout(() => conn.ws.terminate(), 1000).unref();
  }

  // ---------------------------------------------------------------- BChatRoom

  broadcastToApp(sdkAppId: number, wireMessage: string): void {
    this.pushToApp(sdkAppId, `{"push":"broadcastMessage","data":${wireMessage}}`);
  }

  pushToApp(sdkAppId: number, text: string): void {
    this.#broadcastLocal(sdkAppId, text);
    if (this.#o.clustered) {
      this.#o.bus.publish(BROADCAST_CHANNEL, encodeLiveMessage({ t: 'broadcast', origin: this.#o.nodeId, sdkAppId, text })).catch((err: unknown) => {
        this.#o.logger.warn({ err }, 'live: broadcast publish failed');
      });
    }
  }

  #broadcastLocal(sdkAppId: number, text: string): void {
    let list = this.#broadcastPending.get(sdkAppId);
    if (!list) this.#broadcastPending.set(sdkAppId, (list = []));
    list.push(text);
    this.#broadcastTimer ??= setTimeout(() => this.#flushBroadcasts(), this.#o.flushMs);
  }

  #flushBroadcasts(): void {
    this.#broadcastTimer = undefined;
    const pending = this.#broadcastPending;
    this.#broadcastPending = new Map();
    if (!this.#o.sessions) return;
    // The encoded pushes are shared by every session; each connection's queue joins what it holds
    // into one frame per coalescing window.
    for (const target of this.#o.sessions.all()) {
      const list = pending.get(target.sdkAppId);
      if (list) for (const t of list) target.push(t);
    }
  }

  #onBroadcastBus(payload: string): void {
    const m = decodeLiveMessage(payload);
    if (m?.t === 'broadcast' && m.origin !== this.#o.nodeId) this.#broadcastLocal(m.sdkAppId, m.text);
  }

  // ---------------------------------------------------------------- likes

  like(sdkAppId: number, groupId: string, userID: string, count: number): void {
    if (!(count > 0) || this.#closed) return;
    const n = Math.floor(count);
    const room = this.#room(sdkAppId, groupId, true)!;
    this.#m.likes.inc(n);
    this.#addLikes(room, userID, n);
    if (this.#o.clustered) {
      room.likeOut.set(userID, (room.likeOut.get(userID) ?? 0) + n);
      room.likeOutDelta += n;
    }
  }

  /** Room like total and per-user totals (tests, REST). */
  likesOf(sdkAppId: number, groupId: string): { total: number; top: { userID: string; count: number }[] } {
    const room = this.#rooms.get(`${sdkAppId}:${groupId}`);
    return { total: room?.likeTotal ?? 0, top: room ? room.top.map((t) => ({ ...t })) : [] };
  }

  #addLikes(room: Room, userID: string, n: number): void {
    room.likeTotal += n;
    room.likeDelta += n;
    const prior = room.likeUsers.get(userID);
    if (prior !== undefined || room.likeUsers.size < 100_000) {
      const t = (prior ?? 0) + n;
      room.likeUsers.set(userID, t);
      this.#updateTop(room, userID, t);
    }
    room.likeTimer ??= setTimeout(() => this.#flushLikes(room), room.likeFlushMs);
  }

  #updateTop(room: Room, userID: string, total: number): void {
    const top = room.top;
    const k = this.#o.topLikers;
    const i = top.findIndex((t) => t.userID === userID);
    if (i >= 0) top[i]!.count = total;
    else if (top.length < k) top.push({ userID, count: total });
    else if (total > top[top.length - 1]!.count) top[top.length - 1] = { userID, count: total };
    else return;
    top.sort((a, b) => b.count - a.count);
    room.topChanged = true;
  }

  #flushLikes(room: Room): void {
    room.likeTimer = undefined;
    if (room.closed) return;
    if (room.likeOutDelta > 0) {
      const users = [...room.likeOut];
      this.#o.bus
        .publish(room.channel, encodeLiveMessage({ t: 'likes', origin: this.#o.nodeId, delta: room.likeOutDelta, users }))
        .catch((err: unknown) => this.#o.logger.warn({ err }, 'live: likes publish failed'));
      room.likeOut = new Map();
      room.likeOutDelta = 0;
    }
    if (room.likeDelta > 0) {
      const top = room.topChanged ? `,"topUsers":${JSON.stringify(room.top)}` : '';
      const text = `{"push":"likes","data":{"groupID":${JSON.stringify(room.groupId)},"total":${room.likeTotal},"delta":${room.likeDelta}${top}}}`;
      room.likeDelta = 0;
      room.topChanged = false;
      this.#append(room, text, 2, Kind.Likes);
    }
  }

  // ---------------------------------------------------------------- notices

  #notice(room: Room, what: 'join' | 'leave', userID: string, info: RoomMemberInfo): void {
    const sample: Sample = { userID };
    if (info.nick) sample.nick = info.nick;
    if (info.avatar) sample.avatar = info.avatar;
    if (what === 'join') {
      room.joinedCount++;
      if (room.joined.length < this.#o.noticeSample) room.joined.push(sample);
    } else {
      room.leftCount++;
      if (room.left.length < this.#o.noticeSample) room.left.push(sample);
    }
    room.noticeTimer ??= setTimeout(() => this.#flushNotices(room), this.#o.noticeFlushMs);
  }

  #flushNotices(room: Room): void {
    room.noticeTimer = undefined;
    if (room.closed || room.joinedCount + room.leftCount === 0) return;
    const data = {
      groupID: room.groupId,
      joined: room.joined,
      joinedCount: room.joinedCount,
      left: room.left,
      leftCount: room.leftCount,
      onlineCount: room.onlineCount,
    };
    room.joined = [];
    room.left = [];
    room.joinedCount = 0;
    room.leftCount = 0;
    this.#emit(room, `{"push":"roomMembers","data":${JSON.stringify(data)}}`, 2, Kind.Members);
  }

  // ---------------------------------------------------------------- counts

  async onlineCount(sdkAppId: number, groupId: string): Promise<number> {
    const room = this.#rooms.get(`${sdkAppId}:${groupId}`);
    if (room) return room.onlineCount;
    if (!this.#o.clustered) return 0;
    return this.#o.presence.roomCount(sdkAppId, groupId).catch(() => 0);
  }

  /** Writes this node's counts to presence, reads the cluster totals, pushes roomStats on change. */
  async #refreshCounts(): Promise<void> {
    if (this.#refreshing || this.#closed) return;
    this.#refreshing = true;
    try {
      const now = this.#o.now();
      for (const room of [...this.#rooms.values()]) {
        if (room.closed) continue;
        const local = room.members.size;
        if (local !== room.reportedLocal) {
          // Recorded only once written, so a failed write (Redis down) is retried next refresh.
          const written = await this.#o.presence.setRoomCount(room.sdkAppId, room.groupId, this.#o.nodeId, local).then(() => true, () => false);
          if (written) room.reportedLocal = local;
        }
        if (this.#o.clustered && local > 0) {
          const total = await this.#o.presence.roomCount(room.sdkAppId, room.groupId).catch(() => room.remoteCount + local);
          room.remoteCount = Math.max(0, total - local);
        }
        if (local === 0) {
          if (now - room.emptySince > this.#o.roomIdleMs && !room.likeTimer && !room.noticeTimer) this.#dropRoom(room);
          continue;
        }
        const count = room.onlineCount;
        if (count !== room.lastStatsPushed) {
          room.lastStatsPushed = count;
          this.#append(room, `{"push":"roomStats","data":{"groupID":${JSON.stringify(room.groupId)},"onlineCount":${count}}}`, 3, Kind.Stats);
        }
      }
    } finally {
      this.#refreshing = false;
    }
  }

  /**
   * Presence forgot this node (Redis restarted, or unreachable past the node TTL): every room's
   * local count is written again at the next refresh, which starts now.
   */
  reannounceCounts(): Promise<void> {
    for (const room of this.#rooms.values()) room.reportedLocal = -1;
    return this.#refreshCounts();
  }

  /** Runs a count refresh now (tests). */
  refreshCounts(): Promise<void> {
    return this.#refreshCounts();
  }

  // ---------------------------------------------------------------- bus

  #onRoomBus(key: string, payload: string): void {
    const room = this.#rooms.get(key);
    if (!room) return;
    const m = decodeLiveMessage(payload);
    if (!m || m.origin === this.#o.nodeId) return;
    switch (m.t) {
      case 'entries':
        for (const e of m.entries) this.#append(room, e.text, e.rank, e.kind as Kind);
        break;
      case 'entry':
        this.#append(room, m.text, m.rank, m.kind as Kind);
        break;
      case 'likes':
        for (const [u, n] of m.users) {
          const t = (room.likeUsers.get(u) ?? 0) + n;
          room.likeUsers.set(u, t);
          this.#updateTop(room, u, t);
        }
        room.likeTotal += m.delta;
        room.likeDelta += m.delta;
        room.likeTimer ??= setTimeout(() => this.#flushLikes(room), room.likeFlushMs);
        break;
      case 'close':
        this.#closeLocal(room);
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- closing

  closeRoom(sdkAppId: number, groupId: string): void {
    const room = this.#rooms.get(`${sdkAppId}:${groupId}`);
    if (this.#o.clustered) {
      // What was sent before the close goes out before it.
      if (room) this.#publishRoomEntries(room);
      this.#o.bus.publish(roomChannel(sdkAppId, groupId), encodeLiveMessage({ t: 'close', origin: this.#o.nodeId })).catch(() => {});
    }
    if (room) this.#closeLocal(room);
  }

  #closeLocal(room: Room): void {
    const push = `{"push":"roomClosed","data":{"groupID":${JSON.stringify(room.groupId)}}}`;
    for (const m of [...room.members]) {
      this.#removeMember(m, false);
      m.conn.push(push);
    }
    this.#dropRoom(room);
  }

  #dropRoom(room: Room): void {
    room.closed = true;
    for (const w of room.flushWaiters.splice(0)) w.resolve();
    if (room.flushTimer) clearTimeout(room.flushTimer);
    if (room.chunkImmediate) clearImmediate(room.chunkImmediate);
    room.chunkImmediate = room.sweep = undefined;
    if (room.likeTimer) clearTimeout(room.likeTimer);
    if (room.noticeTimer) clearTimeout(room.noticeTimer);
    room.flushTimer = room.likeTimer = room.noticeTimer = undefined;
    if (this.#rooms.get(room.key) === room) {
      this.#rooms.delete(room.key);
      this.#m.rooms.dec();
    }
    if (room.subscribed && this.#o.clustered) {
      room.subscribed = false;
      this.#o.bus.unsubscribe(room.channel).catch(() => {});
    }
    if (room.reportedLocal !== 0) {
      room.reportedLocal = 0;
      this.#o.presence.setRoomCount(room.sdkAppId, room.groupId, this.#o.nodeId, 0).catch(() => {});
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#countTimer);
    if (this.#broadcastTimer) clearTimeout(this.#broadcastTimer);
    if (this.#busImmediate) {
      clearImmediate(this.#busImmediate);
      this.#publishEntries();
    }
    for (const room of [...this.#rooms.values()]) {
      for (const m of [...room.members]) this.#removeMember(m, false);
      this.#dropRoom(room);
    }
    if (this.#o.clustered) await this.#o.bus.unsubscribe(BROADCAST_CHANNEL).catch(() => {});
  }
}

function memberOf(conn: ClientConnection): Member | undefined {
  const m = conn.live;
  return m instanceof Member ? m : undefined;
}

function flushRoom(engine: LiveRoomEngine, room: Room): void {
  engine.flush(room);
}
