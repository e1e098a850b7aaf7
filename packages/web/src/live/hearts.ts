/**
 * @module live/hearts
 * Floating hearts for likes: pooled elements rising with a little sway, at most `max` at once
 * (a like storm shows a steady stream, not ten thousand nodes).
 */
const COLORS = ['#ff4d8d', '#ff7a45', '#ffc53d', '#9254de', '#36cfc9', '#f759ab'];

export class Hearts {
  readonly #layer: HTMLElement;
  readonly #pool: HTMLElement[] = [];
  #active = 0;
  max = 32;

  constructor(layer: HTMLElement) {
    this.#layer = layer;
  }

  burst(n: number): void {
    for (let i = 0; i < n && this.#active < this.max; i++) this.#one(i * 90);
  }

  #one(delay: number): void {
    const el = this.#pool.pop() ?? this.#make();
    el.style.color = COLORS[Math.floor(Math.random() * COLORS.length)]!;
    const dx = Math.round((Math.random() - 0.5) * 80);
    const scale = 0.8 + Math.random() * 0.6;
    this.#active++;
    el.hidden = false;
    const a = el.animate(
      [
        { transform: `translate3d(0,0,0) scale(${scale * 0.6})`, opacity: 0 },
        { transform: `translate3d(${dx / 3}px,-40px,0) scale(${scale})`, opacity: 1, offset: 0.15 },
        { transform: `translate3d(${dx}px,-220px,0) scale(${scale})`, opacity: 0 },
      ],
      { duration: 1600 + Math.random() * 600, delay, easing: 'ease-out', fill: 'backwards' },
    );
    a.onfinish = () => {
      el.hidden = true;
      this.#active--;
      this.#pool.push(el);
    };
  }

  #make(): HTMLElement {
    const el = document.createElement('div');
    el.className = 'heart';
    el.textContent = '❤';
    el.setAttribute('aria-hidden', 'true');
    this.#layer.appendChild(el);
    return el;
  }
}
