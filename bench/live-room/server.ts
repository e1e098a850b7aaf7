/**
 * One room server for the live-room benchmark, run as a child process of run.ts (IPC for stats).
 *   node --expose-gc --import tsx bench/live-room/server.ts <kind> <flushMs>
 * kinds:
 *   parley    the live-room engine behind Parley's real gateway (live/live-test-server.ts)
 *   socketio  Socket.IO 4: every client in one room, io.to(room).emit per message
 *   ws        bare ws: one frame per message per client (ws.send(text) in a loop)
 *   batch     bare ws, batched: a flush window's messages joined into one frame, encoded once
 *             (Buffer) and ws.send(buffer) to every client — the ceiling for Parley's design
 * Non-Parley servers take messages on a control WebSocket (/ctl): {"ack":n,"msgs":[...],"flush":bool}
 * (each wrapped into the same roomMessage push JSON Parley sends) and answer {"ack":n} once the messages were written (after the flush for `batch`) and the first
 * client's socket is not backed up (> 1 MiB), the same closed loop Parley's bench op uses.
 * IPC: 'stats' (after two GCs: RSS, heap, heap spaces, CPU), 'snapshot' {file} (a heap snapshot).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Server as IOServer } from 'socket.io';
import { startLiveTestServer } from '../../packages/server/src/live/live-test-server.ts';

const kind = process.argv[2] ?? 'parley';
const flushMs = Number(process.argv[3] ?? 50);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function send(m: unknown): void {
  process.send?.(m);
}

let port = 0;
let clientCount = (): number => 0;

if (kind === 'parley') {
  const s = await startLiveTestServer({
    engine: { flushMs, noticeFlushMs: 1000, countRefreshMs: 5000, maxMemberBytes: 4 * 1024 * 1024, slowGraceMs: 10_000 },
    settings: { roomMessagesPerSecond: 1e9, likeFlushMs: 500 },
    config: { coalesceMs: 2, maxOutboundBytes: 8 * 1024 * 1024 },
    trackUsers: false,
  });
  port = s.port;
  clientCount = () => s.engine.localMembers(1400000001, 'bench');
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'engineStats') send({ cmd: 'engineStats', stats: { ...s.engine.stats } });
  });
} else {
  const http = createServer((_q, r) => r.end());
  const room = new Set<WebSocket>();
  let first: WebSocket | undefined;
  let io: IOServer | undefined;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const ctl = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  if (kind === 'socketio') {
    io = new IOServer(http, { transports: ['websocket'], perMessageDeflate: false, httpCompression: false, destroyUpgrade: false, pingInterval: 60_000, pingTimeout: 60_000 });
    io.on('connection', (sock) => {
      void sock.join('bench');
      if (!first) first = (sock.conn as unknown as { transport: { socket: WebSocket } }).transport.socket;
    });
    clientCount = () => io!.of('/').adapter.rooms.get('bench')?.size ?? 0;
  } else {
    clientCount = () => room.size;
  }
  http.on('upgrade', (req: IncomingMessage, sock: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/ctl') ctl.handleUpgrade(req, sock, head, (ws) => onCtl(ws));
    else if (kind !== 'socketio') {
      // Clients join the room with a message, as they would any real room server.
      wss.handleUpgrade(req, sock, head, (ws) => {
        ws.once('message', () => {
          room.add(ws);
          first ??= ws;
          ws.send('{"joined":true}');
        });
        ws.on('close', () => room.delete(ws));
        ws.on('error', () => {});
      });
    }
  });
  let pending: string[] = [];
  let waiters: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flushBatch = () => {
    timer = undefined;
    if (pending.length > 0) {
      const buf = Buffer.from(`[${pending.join(',')}]`);
      pending = [];
      for (const ws of room) if (ws.readyState === 1) ws.send(buf, { binary: false });
    }
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const drained = async () => {
    while (first && first.readyState === 1 && first.bufferedAmount > 1024 * 1024) await new Promise((r) => setTimeout(r, 2));
  };
  // The same bytes Parley sends for a room message (live-test-server's livePublishBatch), so every
  // server carries identical payloads.
  let random = 1;
  const roomPush = (t: string) =>
    `{"push":"roomMessage","data":{"type":"GROUP","from":"gen0","to":"bench","seq":0,"random":${random++},"time":${Math.floor(Date.now() / 1000)},"msgKey":"0_0_0","body":[{"MsgType":"TIMTextElem","MsgContent":{"Text":${JSON.stringify(t)}}}],"priority":"Normal","onlineOnly":true}}`;
  const onCtl = (ws: WebSocket) => {
    ws.on('message', async (raw) => {
      const m = JSON.parse(raw.toString()) as { ack: number; msgs: string[] };
      if (kind === 'socketio') {
        for (const t of m.msgs) io!.to('bench').emit('m', roomPush(t));
      } else if (kind === 'ws') {
        for (const t of m.msgs) {
          const text = roomPush(t);
          for (const c of room) if (c.readyState === 1) c.send(text);
        }
      } else {
        for (const t of m.msgs) pending.push(roomPush(t));
        timer ??= setTimeout(flushBatch, flushMs);
        await new Promise<void>((r) => waiters.push(r));
      }
      await drained();
      ws.send(JSON.stringify({ ack: m.ack }));
    });
  };
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  port = (http.address() as AddressInfo).port;
}

process.on('message', (m: { cmd: string; file?: string }) => {
  if (m.cmd === 'stats') {
    gc();
    gc();
    const mem = process.memoryUsage();
    // Physical size per heap space: the young generation's growth under a join storm is a fixed
    // cost that shows in RSS (run.ts --settle).
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x.physical_space_size]));
    send({ cmd: 'stats', rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, spaces, cpu: process.cpuUsage(), clients: clientCount() });
  } else if (m.cmd === 'snapshot') {
    // For member-heap.ts (objects per member).
    gc();
    send({ cmd: 'snapshot', file: writeHeapSnapshot(m.file) });
  }
});
gc();
send({ cmd: 'ready', port });
