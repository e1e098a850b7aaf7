/**
 * A minimal protocol client for end-to-end tests: requests with correlation ids, pushes in
 * arrival order (batched frames are split), and waiting for a given push.
 */
import WebSocket from 'ws';

export interface Reply<D = any> {
  id: number;
  code: number;
  message: string;
  data: D;
}

export interface Push<D = any> {
  push: string;
  data: D;
}

export class TestClient {
  readonly pushes: Push[] = [];
  closeCode: number | undefined;
  closeReason = '';
  #nextId = 1;
  #pending = new Map<number, (r: Reply) => void>();
  #waiters: { name: string; resolve: (p: Push) => void; from: number }[] = [];
  #closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const parsed = JSON.parse(raw.toString()) as unknown;
      for (const f of Array.isArray(parsed) ? parsed : [parsed]) this.#onFrame(f as Record<string, unknown>);
    });
    this.#closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        for (const [, r] of this.#pending) r({ id: 0, code: -1, message: 'closed', data: undefined });
        this.#pending.clear();
        resolve(code);
      });
    });
  }

  static connect(baseUrl: string): Promise<TestClient> {
    const url = baseUrl.replace(/^http/, 'ws') + '/ws';
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
    });
  }

  request<D = any>(op: string, data?: unknown): Promise<Reply<D>> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve as (r: Reply) => void);
      this.ws.send(JSON.stringify(data === undefined ? { id, op } : { id, op, data }));
    });
  }

  /** Sends raw text (for malformed-input tests); resolves with the next reply carrying `id`. */
  sendRaw(text: string, expectId = 0): Promise<Reply> {
    return new Promise((resolve) => {
      this.#pending.set(expectId, resolve);
      this.ws.send(text);
    });
  }

  /** Resolves with the first push named `name` not yet consumed by an earlier wait. */
  nextPush<D = any>(name: string, timeoutMs = 5000): Promise<Push<D>> {
    const idx = this.pushes.findIndex((p) => p.push === name && !(p as { seen?: boolean }).seen);
    if (idx >= 0) {
      (this.pushes[idx] as { seen?: boolean }).seen = true;
      return Promise.resolve(this.pushes[idx]!);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${name} push within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ name, from: this.pushes.length, resolve: (p) => { clearTimeout(t); resolve(p); } });
    });
  }

  pushesNamed(name: string): Push[] {
    return this.pushes.filter((p) => p.push === name);
  }

  closed(): Promise<number> {
    return this.#closed;
  }

  close(): Promise<number> {
    this.ws.close();
    return this.#closed;
  }

  #onFrame(f: Record<string, unknown>): void {
    if (typeof f['push'] === 'string') {
      const p = f as unknown as Push;
      this.pushes.push(p);
      const w = this.#waiters.findIndex((x) => x.name === p.push);
      if (w >= 0) {
        (p as { seen?: boolean }).seen = true;
        this.#waiters.splice(w, 1)[0]!.resolve(p);
      }
      return;
    }
    const id = typeof f['id'] === 'number' ? f['id'] : 0;
    const r = this.#pending.get(id);
    if (r) {
      this.#pending.delete(id);
      r(f as unknown as Reply);
    }
  }
}
