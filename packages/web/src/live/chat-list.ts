/**
 * @module live/chat-list
 * A virtualized chat list: the last `capacity` lines are kept in a ring, and only the rows in view
 * (plus a few) exist in the DOM, absolutely placed inside a spacer as tall as the whole list. Lines
 * arrive at any rate; the DOM is touched at most once per animation frame. The list sticks to the
 * bottom unless the reader scrolled up, in which case a "new messages" button offers the way back.
 */
export type LineKind = 'text' | 'danmaku' | 'notice' | 'error';

export interface Line {
  kind: LineKind;
  nick: string;
  text: string;
  self: boolean;
}

interface Row {
  el: HTMLElement;
  nick: HTMLElement;
  text: HTMLElement;
  index: number;
}

export class ChatList {
  readonly #scroller: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #more: HTMLButtonElement;
  readonly #lines: (Line | undefined)[];
  readonly #capacity: number;
  /** Total lines ever added; line i lives at #lines[i % capacity] while i >= #total - capacity. */
  #total = 0;
  #rows: Row[] = [];
  #dirty = true;
  #stick = true;
  #viewH = 0;
  #scrollTop = 0;
  #unseen = 0;
  #renderedH = 0;
  #renderedFirst = 0;
  readonly rowHeight: number;

  constructor(scroller: HTMLElement, more: HTMLButtonElement, opts: { capacity?: number; rowHeight?: number } = {}) {
    this.#scroller = scroller;
    this.#more = more;
    this.#capacity = opts.capacity ?? 2000;
    this.rowHeight = opts.rowHeight ?? 30;
    this.#lines = new Array(this.#capacity);
    this.#spacer = document.createElement('div');
    this.#spacer.className = 'chat-spacer';
    scroller.appendChild(this.#spacer);
    scroller.addEventListener('scroll', () => {
      this.#scrollTop = scroller.scrollTop;
      const bottom = this.#renderedH - this.#viewH;
      this.#stick = this.#scrollTop >= bottom - this.rowHeight;
      if (this.#stick) this.#unseen = 0;
      this.#dirty = true;
    }, { passive: true });
    new ResizeObserver(() => {
      this.#viewH = scroller.clientHeight;
      this.#dirty = true;
    }).observe(scroller);
    this.#viewH = scroller.clientHeight;
    more.addEventListener('click', () => this.scrollToEnd());
  }

  get size(): number {
    return Math.min(this.#total, this.#capacity);
  }

  get total(): number {
    return this.#total;
  }

  add(line: Line): void {
    this.#lines[this.#total % this.#capacity] = line;
    this.#total++;
    if (!this.#stick) this.#unseen++;
    this.#dirty = true;
  }

  scrollToEnd(): void {
    this.#stick = true;
    this.#unseen = 0;
    this.#dirty = true;
  }

  /** Lines currently held, oldest first (tests). */
  lines(): Line[] {
    const out: Line[] = [];
    for (let i = this.#total - this.size; i < this.#total; i++) out.push(this.#lines[i % this.#capacity]!);
    return out;
  }

  /** Once per animation frame. */
  render(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    const n = this.size;
    const first = this.#total - n;
    const h = this.rowHeight;
    if (this.#renderedH !== n * h) this.#spacer.style.height = `${n * h}px`;
    this.#renderedH = n * h;
    if (!this.#stick && first !== this.#renderedFirst) {
      // Old lines fell off the front: keep the lines being read where they are.
      this.#scrollTop = Math.max(0, this.#scrollTop - (first - this.#renderedFirst) * h);
      this.#scroller.scrollTop = this.#scrollTop;
    }
    this.#renderedFirst = first;
    if (this.#stick) {
      this.#scrollTop = Math.max(0, n * h - this.#viewH);
      this.#scroller.scrollTop = this.#scrollTop;
    }
    const from = Math.max(0, Math.floor(this.#scrollTop / h) - 2);
    const to = Math.min(n, Math.ceil((this.#scrollTop + this.#viewH) / h) + 2);
    const need = Math.max(0, to - from);
    while (this.#rows.length < need) this.#rows.push(this.#makeRow());
    for (let r = 0; r < this.#rows.length; r++) {
      const row = this.#rows[r]!;
      const i = from + r;
      if (r >= need) {
        if (row.index !== -1) {
          row.el.hidden = true;
          row.index = -1;
        }
        continue;
      }
      const abs = first + i;
      if (row.index === abs) continue;
      const line = this.#lines[abs % this.#capacity]!;
      row.index = abs;
      row.el.hidden = false;
      row.el.className = `chat-row ${line.kind}${line.self ? ' self' : ''}`;
      row.el.style.transform = `translateY(${i * h}px)`;
      row.nick.textContent = line.nick;
      row.text.textContent = line.text;
      row.el.title = line.nick ? `${line.nick}: ${line.text}` : line.text;
    }
    this.#more.hidden = this.#stick || this.#unseen === 0;
    if (!this.#more.hidden) this.#more.textContent = `${this.#unseen > 999 ? '999+' : this.#unseen} new ↓`;
  }

  #makeRow(): Row {
    const el = document.createElement('div');
    el.className = 'chat-row';
    el.setAttribute('role', 'listitem');
    const nick = document.createElement('span');
    nick.className = 'nick';
    const text = document.createElement('span');
    text.className = 'text';
    el.append(nick, text);
    this.#spacer.appendChild(el);
    return { el, nick, text, index: -1 };
  }
}
