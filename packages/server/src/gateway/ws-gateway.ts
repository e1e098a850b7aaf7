/**
 * @module gateway/ws-gateway
 * The WebSocket endpoint `/ws`: accepts connections, parses and validates request frames, hands
 * them to the op router, and keeps connections honest (frame size cap, request rate, heartbeats).
 * Listeners are module-level functions that find their connection through a symbol, as ws does,
 * so nothing is allocated per connection for them.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Codes, MAX_INBOUND_FRAME_BYTES } from '@parley/protocol';
import { ParleyError, RawJson } from '../errors.ts';
import { markLoggedOut } from '../messaging/content-hooks.ts';
import type { Services } from '../services.ts';
import { ClientConnection } from './client-connection.ts';
import { CloseCodes } from './close-codes.ts';
import type { OpRouter } from './op-router.ts';

const kConn = Symbol('parley.connection');
const kGateway = Symbol('parley.gateway');
type TaggedSocket = WebSocket & { [kConn]: ClientConnection; [kGateway]: WsGateway };

export class WsGateway {
  readonly wss: WebSocketServer;
  readonly connections = new Set<ClientConnection>();
  #sweep: NodeJS.Timeout;
  #accepting = true;

  constructor(readonly services: Services, readonly router: OpRouter) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INBOUND_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
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
    const { config } = this.services;
    const conn = new ClientConnection(ws, req.socket.remoteAddress ?? '', {
      coalesceMs: config.coalesceMs,
      maxOutboundBytes: config.maxOutboundBytes,
      slowConsumerGraceMs: config.slowConsumerGraceMs,
    });
    const tagged = ws as TaggedSocket;
    tagged[kConn] = conn;
    tagged[kGateway] = this;
    this.connections.add(conn);
    this.services.metrics.gauge('parley_connections', 'Open WebSocket connections').inc();
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('close', onClose);
    ws.on('error', onError);
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
    const now = Date.now();
    const interval = this.services.config.heartbeatMs;
    for (const conn of this.connections) {
      conn.sweepPressure();
      const idle = now - conn.lastSeen;
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

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const ws = this as TaggedSocket;
  const conn = ws[kConn];
  const now = Date.now();
  conn.lastSeen = now;
  if (isBinary) {
    conn.reply(0, Codes.PROTOCOL_BAD_FRAME.code, 'Binary frames are not part of the protocol');
    return;
  }
  void ws[kGateway].handle(conn, data.toString(), conn.takeRequest(now));
}

function onPong(this: WebSocket): void {
  (this as TaggedSocket)[kConn].lastSeen = Date.now();
}

function onClose(this: WebSocket): void {
  const ws = this as TaggedSocket;
  ws[kGateway].closed(ws[kConn]);
}

function onError(this: WebSocket): void {
  // ws emits 'close' after 'error' (e.g. a frame over maxPayload closes with 1009); nothing else to do.
}
