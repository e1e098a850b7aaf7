/**
 * @module emitter
 * `on` / `off` as the Web SDK has them: handlers receive `{ name, data }`; `off` needs the very
 * same function (and context) that was passed to `on`. A throwing handler does not stop the others.
 */

export interface SDKEvent<T = unknown> {
  name: string;
  data: T;
}

export type Handler<T = unknown> = (event: SDKEvent<T>) => void;

interface Entry {
  fn: Handler;
  ctx: unknown;
  once: boolean;
}

export class Emitter {
  readonly #handlers = new Map<string, Entry[]>();

  on(name: string, fn: Handler<any>, ctx?: unknown): void {
    if (typeof fn !== 'function') return;
    const list = this.#handlers.get(name) ?? [];
    list.push({ fn: fn as Handler, ctx, once: false });
    this.#handlers.set(name, list);
  }

  once(name: string, fn: Handler<any>, ctx?: unknown): void {
    const list = this.#handlers.get(name) ?? [];
    list.push({ fn: fn as Handler, ctx, once: true });
    this.#handlers.set(name, list);
  }

  off(name: string, fn: Handler<any>, ctx?: unknown): void {
    const list = this.#handlers.get(name);
    if (!list) return;
    const i = list.findIndex((e) => e.fn === fn && e.ctx === ctx);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#handlers.delete(name);
  }

  listenerCount(name: string): number {
    return this.#handlers.get(name)?.length ?? 0;
  }

  emit(name: string, data?: unknown): void {
    const list = this.#handlers.get(name);
    if (!list || list.length === 0) return;
    const event: SDKEvent = { name, data };
    for (const e of [...list]) {
      if (e.once) this.off(name, e.fn, e.ctx);
      try {
        e.fn.call(e.ctx, event);
      } catch (err) {
        // A listener's failure must not break the SDK or the other listeners.
        console.error(`[parley-sdk] a ${name} listener threw`, err);
      }
    }
  }

  removeAll(): void {
    this.#handlers.clear();
  }
}
