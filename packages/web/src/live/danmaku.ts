/**
 * @module live/danmaku
 * Bullet comments flying right to left across the stage in lanes. Every item moves at the same
 * speed, so an item that starts once the previous one in its lane has fully entered (plus a gap)
 * never catches up with it: lanes never overlap. When every lane is busy, new items wait in a
 * short queue; beyond it (or older than `maxWaitMs`) they are skipped, never queued forever —
 * at 1,000 messages a second the stage shows what fits and the chat list has the rest.
 *
 * Widths come from canvas measureText (no layout read), motion from the Web Animations API on
 * `transform` (compositor-only), and elements are pooled.
 */
const TOP = 44;

export interface DanmakuStats {
  shown: number;
  skipped: number;
  active: number;
  queued: number;
  lanes: number;
}

interface Waiting {
  text: string;
  self: boolean;
  at: number;
}

export class DanmakuLayer {
  readonly #layer: HTMLElement;
  readonly #ctx: CanvasRenderingContext2D | null;
  readonly #pool: HTMLElement[] = [];
  readonly #queue: Waiting[] = [];
  #laneFreeAt: number[] = [];
  #width = 0;
  #height = 0;
  #active = 0;
  #enabled = true;
  readonly stats: DanmakuStats = { shown: 0, skipped: 0, active: 0, queued: 0, lanes: 0 };
  /** px per second */
  speed = 160;
  laneHeight = 34;
  gap = 28;
  maxQueue = 24;
  maxWaitMs = 2_500;
  maxActive = 80;
  readonly #font: string;

  constructor(layer: HTMLElement, font = '600 20px system-ui, sans-serif') {
    this.#layer = layer;
    this.#font = font;
    this.#ctx = document.createElement('canvas').getContext('2d');
    if (this.#ctx) this.#ctx.font = font;
    new ResizeObserver(() => this.#resize()).observe(layer);
    this.#resize();
  }

  set enabled(on: boolean) {
    this.#enabled = on;
    this.#layer.hidden = !on;
    if (!on) {
      this.stats.skipped += this.#queue.length;
      this.#queue.length = 0;
    }
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  #resize(): void {
    this.#width = this.#layer.clientWidth;
    this.#height = this.#layer.clientHeight;
    // Lanes below the LIVE badge, in the top three quarters, leaving the bottom for the controls.
    const n = Math.max(1, Math.floor((this.#height * 0.75 - TOP) / this.laneHeight));
    const old = this.#laneFreeAt;
    this.#laneFreeAt = Array.from({ length: n }, (_, i) => old[i] ?? 0);
    this.stats.lanes = n;
  }

  push(text: string, self = false): void {
    if (!this.#enabled) return;
    const t = text.length > 60 ? `${text.slice(0, 59)}…` : text;
    // The viewer's own comments jump the queue: they must be seen.
    if (self) this.#queue.unshift({ text: t, self, at: performance.now() });
    else this.#queue.push({ text: t, self, at: performance.now() });
    if (this.#queue.length > this.maxQueue) {
      this.#queue.splice(self ? this.maxQueue : 0, this.#queue.length - this.maxQueue);
      this.stats.skipped++;
    }
  }

  /** Called once per animation frame: starts what fits in the free lanes, drops what waited too long. */
  tick(now: number): void {
    const q = this.#queue;
    while (q.length > 0 && now - q[0]!.at > this.maxWaitMs && !q[0]!.self) {
      q.shift();
      this.stats.skipped++;
    }
    // At most three lines on screen per lane and two launches per frame, starting from a random
    // lane: a flood fills the stage gradually and unevenly instead of as a grid.
    const cap = Math.min(this.maxActive, this.#laneFreeAt.length * 3);
    const n = this.#laneFreeAt.length;
    const start = Math.floor(Math.random() * n);
    let launched = 0;
    for (let k = 0; k < n && q.length > 0 && this.#active < cap && launched < 2; k++) {
      const lane = (start + k) % n;
      if (this.#laneFreeAt[lane]! > now) continue;
      this.#launch(q.shift()!, lane, now);
      launched++;
    }
    this.stats.queued = q.length;
    this.stats.active = this.#active;
  }

  #launch(item: Waiting, lane: number, now: number): void {
    const w = Math.ceil(this.#ctx ? this.#ctx.measureText(item.text).width : item.text.length * 12) + 16;
    const el = this.#pool.pop() ?? this.#make();
    el.textContent = item.text;
    el.classList.toggle('self', item.self);
    el.style.top = `${TOP + lane * this.laneHeight}px`;
    const distance = this.#width + w;
    const duration = (distance / this.speed) * 1000;
    // A random extra gap keeps a busy stage from looking like a grid.
    this.#laneFreeAt[lane] = now + ((w + this.gap + Math.random() * this.gap * 4) / this.speed) * 1000;
    this.#active++;
    this.stats.shown++;
    el.hidden = false;
    const anim = el.animate([{ transform: `translate3d(${this.#width}px,0,0)` }, { transform: `translate3d(${-w}px,0,0)` }], { duration, easing: 'linear' });
    anim.onfinish = () => {
      el.hidden = true;
      this.#active--;
      this.#pool.push(el);
    };
  }

  #make(): HTMLElement {
    const el = document.createElement('div');
    el.className = 'dm';
    el.style.font = this.#font;
    el.setAttribute('aria-hidden', 'true');
    this.#layer.appendChild(el);
    return el;
  }
}
