/**
 * @module gateway/ws-gateway
 * The WebSocket endpoint `/ws`: accepts connections, parses and validates request frames, hands
 * them to the op router, and keeps connections honest (frame size cap, request rate, heartbeats).
 *
 * Sockets are `GatewaySocket`s (ws's WebSocket with two fields) whose own events are dispatched in
 * `emit`, not through listeners: every listener is an entry in the socket's `_events` dictionary
 * (four of them cost ~250 B per connection, a fifth close listener another ~50 B), which for an
 * idle connection was the largest thing Parley added to a bare `ws` connection. Listeners others
 * add still run.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { Codes, MAX_INBOUND_FRAME_BYTES } from '@parley/protocol';
import { ParleyError, RawJson } from '../errors.ts';
import { msBetween, shortMs } from '../core/short-ms.ts';
import { markLoggedOut } from '../messaging/content-hooks.ts';
import type { Services } from '../services.ts';
import { ClientConnection, type ConnectionLimits } from './client-connection.ts';
import { CloseCodes } from './close-codes.ts';
import type { OpRouter } from './op-router.ts';

class GatewaySocket extends WebSocket {
  conn: ClientConnection | undefined = undefined;
  gateway: WsGateway | undefined = undefined;

  // ws emits at most two arguments; fixed parameters avoid a rest array per frame.
  override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
    const conn = this.conn;
    if (conn !== undefined) {
      switch (event) {
        case 'message':
          onMessage(this, conn, a as RawData, b as boolean);
          break;
        case 'pong':
          conn.seen(Date.now());
          break;
        case 'close':
          this.gateway!.closed(conn);
          // The live-room engine's membership ends with the socket, as a close listener would.
          conn.live?.connectionClosed();
          break;
        case 'error':
          // ws emits 'close' after 'error' (e.g. a frame over maxPayload closes with 1009); an
          // 'error' without a listener would throw, so only others' listeners see it.
          if (this.listenerCount('error') === 0) return false;
          break;
        default:
          break;
      }
    }
    const n = arguments.length;
    return n === 1 ? super.emit(event) : n === 2 ? super.emit(event, a) : super.emit(event, a, b);
  }
}

/** Remote addresses, interned: connections from one address (a NAT, a load generator) share the string. */
const addresses = new Map<string, string>();
function remoteAddressOf(req: IncomingMessage): string {
  const socket = req.socket as IncomingMessage['socket'] & { _peername?: unknown };
  const address = socket.remoteAddress ?? '';
  // Reading remoteAddress caches a {address, family, port} object on the socket (~60 B per
  // connection); node reads it again on demand, so the cache is dropped.
  socket._peername = undefined;
  const known = addresses.get(address);
  if (known !== undefined) return known;
  if (addresses.size >= 10_000) addresses.clear();
  addresses.set(address, address);
  return address;
}

export class WsGateway {
  readonly wss: WebSocketServer;
  readonly connections = new Set<ClientConnection>();
  /** One limits object for every connection (a field per connection, not an object). */
  readonly #limits: ConnectionLimits;
  #sweep: NodeJS.Timeout;
  #accepting = true;

  constructor(readonly services: Services, readonly router: OpRouter) {
    this.wss = new WebSocketServer({
      noServer: true, maxPayload: MAX_INBOUND_FRAME_BYTES, perMessageDeflate: false, clientTracking: false, WebSocket: GatewaySocket,
    });
    const { config } = services;
    this.#limits = { coalesceMs: config.coalesceMs, maxOutboundBytes: config.maxOutboundBytes, slowConsumerGraceMs: config.slowConsumerGraceMs };
    const interval = services.config.heartbeatMs;
    this.#sweep = setInterval(() => this.#heartbeat(), Math.min(interval, 5_000));
    this.#sweep.unref();
  }

  /** For the http server's 'upgrade' event. Returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return false;
    if (!this.#accepting) {
      socket.destroy();
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
    return true;
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const conn = new ClientConnection(ws, remoteAddressOf(req), this.#limits);
    const socket = ws as GatewaySocket;
    socket.gateway = this;
    socket.conn = conn;
    this.connections.add(conn);
    this.services.metrics.gauge('parley_connections', 'Open WebSocket connections').inc();
  }

  async handle(conn: ClientConnection, text: string, withinRate = true): Promise<void> {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      conn.reply(0, Codes.PROTOCOL_BAD_FRAME.code, 'Frame is not valid JSON');
      return;
    }
    const { id, op, data } = (frame ?? {}) as { id?: unknown; op?: unknown; data?: unknown };
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof op !== 'string' || (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data)))) {
      conn.reply(typeof id === 'number' && Number.isSafeInteger(id) ? id : 0, Codes.PROTOCOL_BAD_FRAME.code, 'A request is {"id": integer, "op": string, "data"?: object}');
      return;
    }
    if (!withinRate) {
      conn.reply(id, Codes.CLIENT_RATE_LIMITED.code, Codes.CLIENT_RATE_LIMITED.message);
      return;
    }
    try {
      const result = await this.router.dispatch({ conn, services: this.services }, op, data);
      if (result instanceof RawJson) conn.push(`{"id":${id},"code":0,"message":"","data":${result.json}}`);
      else conn.reply(id, 0, '', result);
    } catch (err) {
      if (err instanceof ParleyError) {
        conn.reply(id, err.code, err.message, err.data);
      } else {
        this.services.logger.error({ err, op }, 'op failed');
        conn.reply(id, Codes.INTERNAL_ERROR.code, Codes.INTERNAL_ERROR.message);
      }
    }
  }

  closed(conn: ClientConnection): void {
    if (!this.connections.delete(conn)) return;
    this.services.metrics.gauge('parley_connections', 'Open WebSocket connections').dec();
    conn.closed = true;
    this.services.expiry.disarm(conn);
    if (conn.session) {
      void this.services.sessions.remove(conn);
      if (markLoggedOut(conn)) {
        this.services.events?.stateChange(conn.session.app.sdkAppId, conn.session.userID, 'Disconnect', 'LinkClose', conn.session.platform, [], conn.remoteAddress);
      }
    }
  }

  /** Stops accepting, closes every connection with SHUTTING_DOWN (clients reconnect elsewhere). */
  async close(): Promise<void> {
    this.#accepting = false;
    clearInterval(this.#sweep);
    for (const conn of this.connections) conn.close(CloseCodes.SHUTTING_DOWN, 'server shutting down');
    const deadline = Date.now() + 2_000;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const conn of this.connections) conn.ws.terminate();
    this.wss.close();
  }

  #heartbeat(): void {
    const now = shortMs(Date.now());
    const interval = this.services.config.heartbeatMs;
    for (const conn of this.connections) {
      conn.sweepPressure();
      const idle = msBetween(conn.lastSeen, now);
      if (idle > interval * 2.5) {
        conn.closed = true;
        conn.ws.terminate();
      } else if (idle >= interval) {
        try {
          conn.ws.ping();
        } catch {
          // closing already
        }
      }
    }
  }
}

function onMessage(ws: GatewaySocket, conn: ClientConnection, data: RawData, isBinary: boolean): void {
  const now = Date.now();
  if (isBinary) {
    conn.seen(now);
    conn.reply(0, Codes.PROTOCOL_BAD_FRAME.code, 'Binary frames are not part of the protocol');
    return;
  }
  void ws.gateway!.handle(conn, data.toString(), conn.takeRequest(now));
}
