/**
 * @module server
 * Builds a Parley node from its configuration: engines (store, bus, presence), the real-time core,
 * the WebSocket gateway and the REST API, behind one HTTP server. `main.ts` starts it; tests build
 * as many nodes as they like on port 0.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFromEnv, type ServerConfig } from './config.ts';
import { AccountDirectory } from './core/account-directory.ts';
import { SessionRegistry } from './core/session-registry.ts';
import { WindowCounter } from './core/window-counter.ts';
import { openEngines, type EngineOverrides } from './engines.ts';
import { OpRouter } from './gateway/op-router.ts';
import { registerMessageOps } from './gateway/ops/message-ops.ts';
import { registerGroupOps } from './gateway/ops/group-ops.ts';
import { GroupService } from './groups/group-service.ts';
import { registerGroupCommands } from './rest/commands/group-open-http-svc.ts';
import { registerProfileOps } from './gateway/ops/profile-ops.ts';
import { registerSessionOps } from './gateway/ops/session-ops.ts';
import { registerLiveOps } from './gateway/ops/live-ops.ts';
import { LiveRoomEngine } from './live/live-engine.ts';
import { ClusterLiveRooms } from './cluster/room-rate.ts';
import { liveOptionsFromEnv } from './live/live-config.ts';
import { WsGateway } from './gateway/ws-gateway.ts';
import { ExpiryWheel } from './gateway/expiry-wheel.ts';
import { C2CService } from './messaging/c2c-service.ts';
import { GroupCommitter } from './messaging/group-commit.ts';
import { createContentServices } from './messaging/content-hooks.ts';
import { registerDirtyWordCommands } from './rest/commands/openim-dirty-words.ts';
import { registerProfileCommands } from './rest/commands/profile.ts';
import { registerConfigCommands } from './rest/commands/openconfigsvr.ts';
import { registerRecentContactCommands } from './rest/commands/recentcontact.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { AppRegistry } from './apps/app-registry.ts';
import { TicketVerifier } from './auth/ticket-verifier.ts';
import { createRestHandler } from './rest/rest-handler.ts';
import { CommandRegistry } from './rest/command-registry.ts';
import { registerOpenimCommands } from './rest/commands/openim.ts';
import { gatewaySessionControl } from './core/session-control.ts';
import type { Services } from './services.ts';
import { ConsoleApi } from './console/console-api.ts';
import { WebPages } from './console/web-static.ts';

export interface ParleyOptions {
  config?: Partial<ServerConfig>;
  engines?: EngineOverrides;
  logger?: Logger;
  /** The admin console (console/): a password for tests; otherwise PARLEY_CONSOLE_PASSWORD or <dataDir>/console.json. */
  console?: { password?: string };
}

export interface Parley {
  readonly services: Services;
  readonly apps: AppRegistry;
  readonly http: Server;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /** `http://host:port` once listening. */
  readonly url: string;
  /** Graceful stop: no new connections, in-flight sends committed, store closed. */
  close(): Promise<void>;
}

/** How often a node looks for deleted apps whose data is still to be purged. */
const APP_PURGE_INTERVAL_MS = 60_000;

export async function createParley(options: ParleyOptions = {}): Promise<Parley> {
  const config = configFromEnv(options.config);
  const logger = options.logger ?? createLogger();
  const metrics = new Metrics();
  const engines = await openEngines(config, options.engines);
  const { store, bus, presence } = engines;

  const apps = new AppRegistry(store.apps, { onPurgeError: (err) => logger.warn({ err }, 'purging a deleted app failed') });
  const verifier = new TicketVerifier();
  const sessions = new SessionRegistry(bus, presence, config.nodeId, engines.clustered, logger);
  // An app disabled or deleted on any node: its logins stop everywhere at once, not after the cache.
  sessions.onAppClosed = (id) => apps.forget(id);
  const directory = new AccountDirectory(store.accounts);
  const committer = new GroupCommitter(store.messages, config.groupCommitMaxBatch, undefined, config.groupCommitLanes || undefined);
  // Sensitive words, global mute, webhooks and daily figures around every send (messaging/content-hooks.ts).
  const content = createContentServices({ store, bus, getApp: (id) => apps.get(id), peekApp: (id) => apps.peek(id), metrics, logger, now: () => services.now() });
  const c2c = new C2CService(store.messages, committer, sessions, directory, content.hooks);

  const liveRooms = new LiveRoomEngine({
    nodeId: config.nodeId, bus, presence, clustered: engines.clustered, metrics, logger, sessions,
    appSettings: async (id) => (await apps.get(id))?.settings,
    ...liveOptionsFromEnv(),
  });

  const groups = new GroupService({
    store, committer, sessions, directory, presence, logger, maxSyncGap: config.maxSyncGap, clustered: engines.clustered,
    ...(engines.groupAttrRate && { attrRate: engines.groupAttrRate }),
    liveRooms: () => services.liveRooms,
    now: () => services.now(),
  });

  // In a cluster the per-room send rate is counted in Redis, in front of the engine (cluster/room-rate.ts).
  const liveFront = engines.roomRate ? new ClusterLiveRooms(liveRooms, engines.roomRate, metrics) : liveRooms;

  const services: Services = {
    config, store, presence, sessions, directory, c2c, metrics, logger,
    groups, committer,
    apps: { getApp: (id) => apps.get(id) },
    tickets: verifier,
    loginLimiter: new WindowCounter(config.loginBurstPer10s, 10_000),
    expiry: new ExpiryWheel(),
    liveRooms: liveFront,
    events: content.hooks,
    now: Date.now,
  };
  groups.setHooks(content.hooks);
  // Presence forgot this node (Redis restarted or was away past the node TTL): announce again.
  engines.onPresenceLapsed(() => {
    logger.warn({ node: config.nodeId }, 'presence lapsed: re-adding local sessions and room counts');
    void sessions.reannounce();
    void liveRooms.reannounceCounts();
  });

  const router = new OpRouter();
  registerSessionOps(router);
  registerMessageOps(router);
  registerGroupOps(router);
  registerProfileOps(router);
  registerLiveOps(router);
  const gateway = new WsGateway(services, router);

  const commands = new CommandRegistry();
  const sessionControl = gatewaySessionControl(sessions);
  const rest = createRestHandler({ store, apps, verifier, logger, metrics, registry: commands, sessions: sessionControl });
  registerOpenimCommands(commands, services);
  registerGroupCommands(commands, services);
  registerDirtyWordCommands(commands, content);
  registerProfileCommands(commands, services, content);
  registerConfigCommands(commands, services, content);
  registerRecentContactCommands(commands, services);

  // The live page and the admin console (docs/web.md): operator API, stats, static assets.
  const consoleApi = new ConsoleApi({
    services, apps, dataDir: config.dataDir, connections: () => gateway.connections.size,
    ...(options.console?.password !== undefined && { password: options.console.password }),
  });
  const webPages = new WebPages(logger);

  const http = createServer((req, res) => route(req, res));
  http.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/v4/') || path === '/v4') return rest(req, res);
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', node: config.nodeId, connections: gateway.connections.size, sessions: sessions.size }));
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      metrics.gauge('parley_sessions', 'Logged-in sessions on this node').set(sessions.size);
      metrics.gauge('parley_group_commit_batches', 'Group-commit transactions').set(committer.batches);
      metrics.gauge('parley_messages_committed', 'Messages committed').set(committer.committed);
      void metrics.render().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    if (consoleApi.handle(req, res, path) || webPages.handle(req, res, path)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  }

  let port = 0;
  let closing: Promise<void> | undefined;
  let appPurgeTimer: NodeJS.Timeout | undefined;
  return {
    services,
    apps,
    http,
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    listen() {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          port = (http.address() as AddressInfo).port;
          void webPages.prepare().catch(() => {});
          // Dismissed groups whose message purge a crash or a store error cut short (groups/group-core.ts).
          void groups.core.purgePending().catch((err: unknown) => logger.warn({ err }, 'resuming group purges failed'));
          // Deleted apps whose data is still to be purged: cut short by a crash, or deleted by the
          // CLI (which leaves the purge to the server); looked for again every minute.
          const purgeApps = () => void apps.purgeDeleted().catch((err: unknown) => logger.warn({ err }, 'purging deleted apps failed'));
          purgeApps();
          appPurgeTimer ??= setInterval(purgeApps, APP_PURGE_INTERVAL_MS).unref();
          resolve(port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        http.close();
        if (appPurgeTimer) clearInterval(appPurgeTimer);
        consoleApi.close();
        await gateway.close();
        services.expiry.close();
        await liveRooms.close();
        await committer.drain();
        await content.close();
        http.closeAllConnections();
        await apps.stopPurges();
        await engines.close();
      })();
      return closing;
    },
  };
}
