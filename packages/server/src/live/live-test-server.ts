/**
 * @module live/live-test-server
 * A small node for tests and benchmarks of the live-room engine alone: the real WebSocket gateway,
 * op router, ClientConnections and `like` op, with stand-ins for login and for the group module's
 * AVChatRoom ops (`liveJoin`, `liveLeave`, `livePublish`), which call the engine through the
 * `LiveRooms` interface exactly as the group module does. Not used by the production server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Codes, type Priority } from '@parley/protocol';
import { MemoryBus, type MemoryBusHub } from '../bus/bus.memory.ts';
import type { Bus } from '../bus/bus.ts';
import { configFromEnv, type ServerConfig } from '../config.ts';
import { SessionRegistry } from '../core/session-registry.ts';
import { WindowCounter } from '../core/window-counter.ts';
import { ParleyError } from '../errors.ts';
import type { ClientConnection } from '../gateway/client-connection.ts';
import { ExpiryWheel } from '../gateway/expiry-wheel.ts';
import { OpRouter } from '../gateway/op-router.ts';
import { registerLiveOps } from '../gateway/ops/live-ops.ts';
import { WsGateway } from '../gateway/ws-gateway.ts';
import { createLogger } from '../observability/logger.ts';
import { Metrics } from '../observability/metrics.ts';
import { MemoryPresence } from '../presence/presence.memory.ts';
import type { Presence } from '../presence/presence.ts';
import type { Services } from '../services.ts';
import { DEFAULT_APP_SETTINGS, type AppRecord, type AppSettings } from '../store/app-store.ts';
import { interpretLiveConvention } from './live-convention.ts';
import { LiveRoomEngine, type LiveEngineOptions } from './live-engine.ts';

export interface LiveTestServerOptions {
  engine?: Partial<LiveEngineOptions>;
  config?: Partial<ServerConfig>;
  settings?: Partial<AppSettings>;
  /** Several nodes in one process acting as a cluster. */
  hub?: MemoryBusHub;
  /** A shared bus (e.g. RedisBus: bench/cluster runs nodes in separate processes); implies clustered. */
  bus?: Bus;
  presence?: Presence;
  nodeId?: string;
  /** connOf() bookkeeping (default on); benchmarks turn it off so it does not count as member memory. */
  trackUsers?: boolean;
}

export interface LiveTestServer {
  port: number;
  url: string;
  engine: LiveRoomEngine;
  metrics: Metrics;
  gateway: WsGateway;
  http: Server;
  /** The server-side connection of a logged-in user (first session). */
  connOf(userID: string): ClientConnection | undefined;
  close(): Promise<void>;
}

let messageRandom = 1;

export async function startLiveTestServer(opts: LiveTestServerOptions = {}): Promise<LiveTestServer> {
  const nodeId = opts.nodeId ?? `live-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const config = configFromEnv({ port: 0, host: '127.0.0.1', nodeId, heartbeatMs: 60_000, ...opts.config });
  const logger = createLogger('silent');
  const metrics = new Metrics(false);
  const clustered = opts.hub !== undefined || opts.bus !== undefined;
  const bus = opts.bus ?? new MemoryBus(opts.hub ? { hub: opts.hub } : {});
  const presence = opts.presence ?? new MemoryPresence();
  const sessions = new SessionRegistry(bus, presence, nodeId, clustered, logger);
  const settings: AppSettings = { ...DEFAULT_APP_SETTINGS, ...opts.settings };
  const engine = new LiveRoomEngine({
    nodeId, bus, presence, clustered, metrics, logger, sessions,
    appSettings: async () => settings,
    ...opts.engine,
  });
  const apps = new Map<number, AppRecord>();
  const appOf = (sdkAppId: number): AppRecord => {
    let a = apps.get(sdkAppId);
    if (!a) {
      a = { sdkAppId, name: 'live-test', mode: 'guest', secretKey: '', admins: [], settings, createdAt: 0 };
      apps.set(sdkAppId, a);
    }
    return a;
  };
  const expiry = new ExpiryWheel();
  const services = {
    config, metrics, logger, sessions, presence, liveRooms: engine,
    loginLimiter: new WindowCounter(1000, 1000),
    expiry,
    apps: { getApp: async (id: number) => appOf(id) },
    now: Date.now,
  } as unknown as Services;

  const router = new OpRouter();
  const byUser = new Map<string, ClientConnection>();
  let probeConn: ClientConnection | undefined;
  router.public<{ sdkAppId: number; userID: string; nick?: string }>('benchLogin', undefined, async ({ conn }, d) => {
    conn.session = {
      app: appOf(d.sdkAppId), userID: d.userID, sessionId: `${d.userID}-${Math.random().toString(36).slice(2, 8)}`,
      platform: 'Web', loginAt: Date.now(), expireAt: 2 ** 31 - 1, guest: false, ...(d.nick !== undefined && { nick: d.nick }),
    };
    if (opts.trackUsers !== false) {
      if (!byUser.has(d.userID)) byUser.set(d.userID, conn);
      conn.ws.once('close', () => {
        if (byUser.get(d.userID) === conn) byUser.delete(d.userID);
      });
    }
    await sessions.add(conn);
    return { userID: d.userID };
  });
  router.session<{ groupID: string; receiveOnly?: boolean; nick?: string }>('liveJoin', undefined, async ({ conn, session }, d) => {
    probeConn ??= conn;
    return engine.join(conn, session.app.sdkAppId, d.groupID, {
      receiveOnly: d.receiveOnly === true, ...(d.nick ?? session.nick ? { nick: d.nick ?? session.nick } : {}),
    });
  });
  router.session<{ groupID: string }>('liveLeave', undefined, async ({ conn, session }, d) => {
    await engine.leave(conn, session.app.sdkAppId, d.groupID);
    return {};
  });
  router.session<{ groupID: string }>('liveCount', undefined, async ({ session }, d) => ({
    memberCount: await engine.onlineCount(session.app.sdkAppId, d.groupID),
  }));
  // The group module's AVChatRoom send path, reduced to what the engine needs.
  router.session<{ groupID: string; body: unknown[]; priority?: Priority; rate?: number }>('livePublish', undefined, ({ conn, session }, d) => {
    const room = engine.roomOf(conn);
    if (!room || room.groupId !== d.groupID) throw new ParleyError(Codes.GROUP_NOT_MEMBER);
    if (room.receiveOnly) throw new ParleyError(Codes.RECEIVE_ONLY);
    const c = interpretLiveConvention(d.body);
    if (c.kind === 'like') {
      engine.like(session.app.sdkAppId, d.groupID, session.userID, c.count);
      return { delivered: true, convention: 'like' };
    }
    if (c.kind === 'enterExit') return { delivered: true, convention: 'enterExit' };
    const now = Date.now();
    const priority = d.priority ?? 'Normal';
    const wire = `{"type":"GROUP","from":${JSON.stringify(session.userID)},"to":${JSON.stringify(d.groupID)},"seq":0,"random":${messageRandom++},"time":${Math.floor(now / 1000)},"msgKey":"0_0_0","body":${JSON.stringify(d.body)},"priority":"${priority}","onlineOnly":true}`;
    return engine.publish(session.app.sdkAppId, d.groupID, wire, priority, d.rate ?? settings.roomMessagesPerSecond);
  });
  // Benchmarks: many senders' messages in one request (the gateway caps requests per connection);
  // each still goes through the limiter and is encoded once. With ackAfterFlush the reply waits
  // until the room flush that carried them, then while the first member's socket is backed up.
  router.session<{ groupID: string; texts: string[]; priority?: Priority; rate?: number; ackAfterFlush?: boolean }>('livePublishBatch', undefined, async ({ session }, d) => {
    const priority = d.priority ?? 'Normal';
    let dropped = 0;
    const now = Date.now();
    for (const t of d.texts) {
      const wire = `{"type":"GROUP","from":${JSON.stringify(session.userID)},"to":${JSON.stringify(d.groupID)},"seq":0,"random":${messageRandom++},"time":${Math.floor(now / 1000)},"msgKey":"0_0_0","body":[{"MsgType":"TIMTextElem","MsgContent":{"Text":${JSON.stringify(t)}}}],"priority":"${priority}","onlineOnly":true}`;
      if (!engine.publish(session.app.sdkAppId, d.groupID, wire, priority, d.rate ?? settings.roomMessagesPerSecond).delivered) dropped++;
    }
    if (d.ackAfterFlush) {
      await engine.whenFlushed(session.app.sdkAppId, d.groupID);
      const probe = probeConn;
      while (probe && !probe.closed && probe.ws.bufferedAmount > 1024 * 1024) await new Promise((r) => setTimeout(r, 2));
    }
    return { dropped };
  });
  registerLiveOps(router);
  const gateway = new WsGateway(services, router);
  const http = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  http.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(config.port, config.host, resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    engine,
    metrics,
    gateway,
    http,
    connOf: (u) => byUser.get(u),
    async close() {
      http.close();
      await gateway.close();
      await engine.close();
      expiry.close();
      await bus.close().catch(() => {});
      if (!opts.presence) await presence.close();
      http.closeAllConnections();
    },
  };
}
