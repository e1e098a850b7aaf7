/**
 * A webhook receiver on loopback for end-to-end tests: records every request (query and body) and
 * answers as the test's `answer` function says — JSON, garbage, another status, or late.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  command: string;
  query: URLSearchParams;
  body: any;
  at: number;
}

export interface Answer {
  json?: unknown;
  raw?: string;
  status?: number;
  delayMs?: number;
}

export class CallbackReceiver {
  readonly received: Received[] = [];
  answer: (r: Received) => Answer = () => ({ json: { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 } });
  private waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<CallbackReceiver> {
    let self: CallbackReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        const r: Received = { command: query.get('CallbackCommand') ?? '', query, body, at: Date.now() };
        self!.received.push(r);
        const w = self!.waiters.findIndex((x) => x.pred(r));
        if (w >= 0) self!.waiters.splice(w, 1)[0]!.resolve(r);
        const a = self!.answer(r);
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
          res.end(a.raw ?? JSON.stringify(a.json ?? { ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 }));
        };
        if (a.delayMs) setTimeout(reply, a.delayMs);
        else reply();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new CallbackReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/im/callback?from=parley`);
    return self;
  }

  of(command: string): Received[] {
    return this.received.filter((r) => r.command === command);
  }

  /** The first request (already received or future) matching `pred`. */
  next(pred: (r: Received) => boolean, timeoutMs = 3000): Promise<Received> {
    const hit = this.received.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no matching webhook request')), timeoutMs);
      this.waiters.push({ pred, resolve: (r) => { clearTimeout(t); resolve(r); } });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
