/**
 * @module live/main
 * The live-room page (`/live/`): join an AVChatRoom as a guest (guest-mode apps) or with a UserID
 * and UserSig, pick a room that is live or create one, then watch the stage with danmaku, chat,
 * likes with floating hearts, join/leave notices and the online count. Built on @parley/sdk's
 * LiveRoom; all rendering happens once per animation frame, so the page keeps up with a room
 * pushing 1,000 messages a second (see chat-list.ts and danmaku.ts).
 */
import TIM, { LiveRoom, type ChatSDK, type IMError } from '@parley/sdk';
import '../shared/base.css';
import './live.css';
import { $, clear, field, h } from '../shared/dom.ts';
import { ChatList, type Line } from './chat-list.ts';
import { DanmakuLayer } from './danmaku.ts';
import { Hearts } from './hearts.ts';

interface Identity {
  sdkAppId: number;
  userID: string;
  userSig: string;
  guest: boolean;
  nick: string;
}

const app = $('#app');
const params = new URLSearchParams(location.search);
let chat: ChatSDK | undefined;
let me: Identity | undefined;
let view: RoomView | undefined;

function errText(err: unknown): string {
  const e = err as IMError & { message?: string };
  return e && typeof e === 'object' && 'code' in e ? `${e.message} (${e.code})` : String((err as Error)?.message ?? err);
}

function setURL(sdkAppId?: number, room?: string): void {
  const q = new URLSearchParams();
  if (sdkAppId) q.set('sdkappid', String(sdkAppId));
  if (room) q.set('room', room);
  history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
}

function card(title: string, ...body: (Node | null)[]): HTMLElement {
  return h('main', { class: 'center' }, h('section', { class: 'card', 'aria-labelledby': 'card-title' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '▶'), ' Parley Live'),
    h('h1', { id: 'card-title' }, title), ...body));
}

// ------------------------------------------------------------------ step 1: who are you

function connectScreen(message?: string): void {
  document.title = 'Parley Live';
  const sdk = h('input', { inputmode: 'numeric', autocomplete: 'off', required: true, value: params.get('sdkappid') ?? localStorage.getItem('parley.live.sdkappid') ?? '', placeholder: '1400000000' });
  const nick = h('input', { autocomplete: 'nickname', maxlength: '32', placeholder: 'Your name', value: localStorage.getItem('parley.live.nick') ?? '' });
  const userID = h('input', { autocomplete: 'username', maxlength: '32', placeholder: 'alice' });
  const userSig = h('textarea', { class: 'mono', rows: '3', autocomplete: 'off', placeholder: 'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwsmJRYlF…' });
  const status = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const go = h('button', { type: 'submit' }, 'Continue');
  let mode: 'guest' | 'user' = 'guest';
  const guestPanel = h('div', { id: 'p-guest', role: 'tabpanel', 'aria-labelledby': 't-guest' },
    field('Display name', nick, 'Guests of guest-mode apps watch, read the chat and see likes; sign in to chat and like.'));
  const userPanel = h('div', { id: 'p-user', role: 'tabpanel', 'aria-labelledby': 't-user', hidden: true },
    field('UserID', userID), field('UserSig', userSig, 'A ticket from your app server (or the console\'s UserSig tool).'));
  const tab = (id: 'guest' | 'user', label: string): HTMLButtonElement => h('button', {
    type: 'button', role: 'tab', id: `t-${id}`, 'aria-controls': `p-${id}`, 'aria-selected': String(id === mode),
    onclick: () => select(id),
    onkeydown: (e: KeyboardEvent) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        select(mode === 'guest' ? 'user' : 'guest');
        $(`#t-${mode}`).focus();
      }
    },
  }, label);
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'How to join' }, tab('guest', 'Watch as guest'), tab('user', 'Sign in'));
  function select(m: 'guest' | 'user'): void {
    mode = m;
    for (const t of tabs.querySelectorAll('[role=tab]')) {
      t.setAttribute('aria-selected', String(t.id === `t-${m}`));
      t.setAttribute('tabindex', t.id === `t-${m}` ? '0' : '-1');
    }
    guestPanel.hidden = m !== 'guest';
    userPanel.hidden = m !== 'user';
  }
  const form = h('form', {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      status.textContent = '';
      const id = Number(sdk.value.trim());
      if (!Number.isInteger(id) || id <= 0) {
        status.textContent = 'Enter the app\'s SDKAppID.';
        sdk.focus();
        return;
      }
      go.disabled = true;
      go.textContent = 'Connecting…';
      try {
        await signIn(id, mode, { nick: nick.value.trim(), userID: userID.value.trim(), userSig: userSig.value.trim() });
        localStorage.setItem('parley.live.sdkappid', String(id));
        if (nick.value.trim()) localStorage.setItem('parley.live.nick', nick.value.trim());
        const room = params.get('room');
        if (room) await enterRoom(room);
        else await roomScreen();
      } catch (err) {
        status.textContent = errText(err);
        go.disabled = false;
        go.textContent = 'Continue';
      }
    },
  }, field('SDKAppID', sdk), tabs, guestPanel, userPanel, status, go);
  clear(app, card('Join a live room', form));
  app.removeAttribute('aria-busy');
  select(mode);
  (sdk.value ? (mode === 'guest' ? nick : userID) : sdk).focus();
}

async function signIn(sdkAppId: number, mode: 'guest' | 'user', f: { nick: string; userID: string; userSig: string }): Promise<void> {
  await chat?.destroy().catch(() => {});
  chat = TIM.create({ SDKAppID: sdkAppId, storage: 'memory' });
  chat.setLogLevel(4);
  const ready = new Promise<void>((resolve) => chat!.on(TIM.EVENT.SDK_READY, () => resolve()));
  if (mode === 'guest') {
    const r = await chat.guestLogin(f.nick ? { nick: f.nick } : {});
    me = { sdkAppId, userID: r.data.userID, userSig: r.data.userSig, guest: true, nick: f.nick || r.data.userID };
  } else {
    if (!f.userID || !f.userSig) throw new Error('Enter your UserID and UserSig.');
    await chat.login({ userID: f.userID, userSig: f.userSig });
    me = { sdkAppId, userID: f.userID, userSig: f.userSig, guest: false, nick: f.nick || f.userID };
  }
  if (!chat.isReady()) await Promise.race([ready, new Promise((r) => setTimeout(r, 5000))]);
  chat.on(TIM.EVENT.KICKED_OUT, (e: { data: { type: string } }) => {
    view?.dispose();
    view = undefined;
    connectScreen(`Signed out: ${e.data.type}`);
  });
  chat.on(TIM.EVENT.NET_STATE_CHANGE, (e: { data: { state: string } }) => view?.netState(e.data.state));
}

// ------------------------------------------------------------------ step 2: which room

async function roomScreen(message?: string): Promise<void> {
  if (!me || !chat) return connectScreen();
  document.title = 'Choose a room · Parley Live';
  setURL(me.sdkAppId);
  const list = h('ul', { class: 'rooms', 'aria-label': 'Rooms live now' }, h('li', { class: 'hint' }, 'Looking for live rooms…'));
  const roomID = h('input', { autocomplete: 'off', maxlength: '48', placeholder: '@TGS#a… or your room ID', required: true });
  const status = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const join = h('form', {
    class: 'row', onsubmit: (e: Event) => {
      e.preventDefault();
      if (roomID.value.trim()) void enterRoom(roomID.value.trim()).catch((err: unknown) => (status.textContent = errText(err)));
    },
  }, h('label', { class: 'visually-hidden', for: 'room-id' }, 'Room ID'), Object.assign(roomID, { id: 'room-id', className: 'grow' }), h('button', { type: 'submit' }, 'Join'));
  const name = h('input', { maxlength: '30', placeholder: 'Friday night live', required: true });
  const customID = h('input', { maxlength: '48', placeholder: 'optional, e.g. live-friday' });
  const create = me.guest
    ? h('p', { class: 'hint' }, 'Signed-in users can create rooms; guests join existing ones.')
    : h('form', {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.textContent = '';
        try {
          const r = await chat!.createGroup({ type: TIM.TYPES.GRP_AVCHATROOM, name: name.value.trim(), ...(customID.value.trim() && { groupID: customID.value.trim() }) });
          await enterRoom(String(r.data.group['groupID']));
        } catch (err) {
          status.textContent = errText(err);
        }
      },
    }, h('h2', null, 'Create a room'), field('Room name', name), field('Room ID', customID), h('button', { type: 'submit' }, 'Create and join'));
  clear(app, card(`Hi ${me.nick}, pick a room`,
    h('h2', null, 'Live now'), list,
    h('h2', null, 'Join by ID'), join, status, create,
    h('p', { class: 'hint' }, h('button', { type: 'button', class: 'secondary small', onclick: () => void signOut() }, 'Sign out'))));
  roomID.focus();
  try {
    const res = await fetch('/live/api/rooms', { headers: { 'x-parley-sdkappid': String(me.sdkAppId), 'x-parley-identifier': me.userID, 'x-parley-usersig': me.userSig } });
    const body = (await res.json()) as { rooms?: { groupID: string; name: string; online: number }[]; error?: string };
    if (!res.ok) throw new Error(body.error ?? res.statusText);
    const rooms = body.rooms ?? [];
    clear(list, rooms.length === 0
      ? h('li', { class: 'hint' }, 'No rooms yet.')
      : rooms.map((r) => h('li', null, h('button', { type: 'button', class: 'room-pick', onclick: () => void enterRoom(r.groupID).catch((err: unknown) => (status.textContent = errText(err))) },
        h('span', { class: 'room-name' }, r.name), h('span', { class: 'room-meta' }, `${r.groupID} · ${r.online} online`)))));
  } catch (err) {
    clear(list, h('li', { class: 'hint' }, `Room list unavailable: ${errText(err)}`));
  }
}

async function signOut(): Promise<void> {
  view?.dispose();
  view = undefined;
  await chat?.logout().catch(() => {});
  await chat?.destroy().catch(() => {});
  chat = undefined;
  me = undefined;
  connectScreen();
}

async function enterRoom(groupID: string): Promise<void> {
  if (!chat || !me) return;
  const room = new LiveRoom(chat, { groupID, nickName: me.nick, likeWindowMs: 300 });
  view?.dispose();
  view = new RoomView(room, me, chat);
  try {
    await view.enter();
    setURL(me.sdkAppId, groupID);
  } catch (err) {
    view.dispose();
    view = undefined;
    await roomScreen(`Could not join ${groupID}: ${errText(err)}`);
  }
}

// ------------------------------------------------------------------ the room

class RoomView {
  readonly root: HTMLElement;
  readonly list: ChatList;
  readonly dm: DanmakuLayer;
  readonly hearts: Hearts;
  #raf = 0;
  #online = 0;
  #likes = 0;
  #shownLikes = -1;
  #shownOnline = -1;
  #myTaps = 0;
  #closed = false;
  readonly #onlineEl: HTMLElement;
  readonly #likeEl: HTMLElement;
  readonly #announce: HTMLElement;
  readonly #status: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #asDanmaku: HTMLInputElement;
  readonly #send: HTMLButtonElement;
  readonly #likeBtn: HTMLButtonElement;
  readonly #dmToggle: HTMLButtonElement;
  readonly #ticker: HTMLElement;
  #lastAnnounce = 0;
  readonly #keys = (e: KeyboardEvent) => this.#onKey(e);

  constructor(readonly room: LiveRoom, readonly me: Identity, readonly chat: ChatSDK) {
    const title = h('span', { class: 'room-title' }, room.groupID);
    this.#onlineEl = h('span', { class: 'count' }, '0');
    this.#likeEl = h('span', { class: 'like-total' }, '0');
    this.#announce = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
    this.#status = h('p', { class: 'composer-status', role: 'status', 'aria-live': 'polite' });
    this.#input = h('input', { id: 'msg', maxlength: '200', autocomplete: 'off', enterkeyhint: 'send', placeholder: me.guest ? 'Sign in to chat' : 'Say something…', disabled: me.guest });
    this.#asDanmaku = h('input', { type: 'checkbox', checked: true, id: 'as-dm', disabled: me.guest });
    this.#send = h('button', { type: 'submit', disabled: me.guest }, 'Send');
    this.#likeBtn = h('button', { type: 'button', class: 'like', 'aria-label': 'Like (L)', title: me.guest ? 'Sign in to like' : 'Like (L)', disabled: me.guest, onclick: () => this.like() },
      h('span', { class: 'heart-icon', 'aria-hidden': 'true' }, '❤'), this.#likeEl);
    this.#dmToggle = h('button', { type: 'button', class: 'dm-toggle secondary small', 'aria-pressed': 'true', title: 'Show or hide danmaku (D)', onclick: () => this.toggleDanmaku() }, 'Danmaku on');
    const more = h('button', { type: 'button', class: 'more small', hidden: true });
    const scroller = h('div', { class: 'chat', role: 'list', tabindex: '0', 'aria-label': 'Chat messages (newest at the bottom)' });
    const dmLayer = h('div', { class: 'danmaku-layer', 'aria-hidden': 'true' });
    const heartsLayer = h('div', { class: 'hearts-layer', 'aria-hidden': 'true' });
    this.#ticker = h('div', { class: 'ticker', 'aria-hidden': 'true' });
    this.root = h('div', { class: 'live' },
      h('header', { class: 'topbar' },
        h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '▶'), h('span', { class: 'brand-text' }, ' Parley Live')),
        title,
        h('div', { class: 'online', title: 'Online now' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), this.#onlineEl, h('span', { class: 'online-label' }, ' online')),
        h('button', { type: 'button', class: 'secondary small', onclick: () => void this.leave() }, 'Leave')),
      h('div', { class: 'layout' },
        h('section', { class: 'stage', 'aria-label': 'Live stream' },
          h('div', { class: 'video', role: 'img', 'aria-label': 'Video placeholder' },
            h('div', { class: 'badge' }, 'LIVE'),
            h('div', { class: 'placeholder-title' }, room.groupID),
            h('div', { class: 'placeholder-sub' }, 'Video stream placeholder')),
          dmLayer, this.#ticker, heartsLayer,
          h('div', { class: 'stage-controls' }, this.#dmToggle, this.#likeBtn)),
        h('aside', { class: 'side', 'aria-label': 'Chat' },
          h('div', { class: 'chat-wrap' }, scroller, more),
          h('form', { class: 'composer', onsubmit: (e: Event) => { e.preventDefault(); void this.send(); } },
            h('label', { for: 'msg', class: 'visually-hidden' }, 'Message'), this.#input,
            h('label', { class: 'dm-check', title: 'Also fly across the stage' }, this.#asDanmaku, ' Danmaku'),
            this.#send),
          this.#status,
          h('p', { class: 'shortcuts hint' }, 'Keys: / type · L like · D danmaku on/off'))),
      this.#announce);
    clear(app, this.root);
    this.list = new ChatList(scroller, more);
    this.dm = new DanmakuLayer(dmLayer);
    this.hearts = new Hearts(heartsLayer);
    this.#wire();
    document.addEventListener('keydown', this.#keys);
    document.title = `${room.groupID} · Parley Live`;
    const loop = (now: number): void => {
      this.frame(now);
      this.#raf = requestAnimationFrame(loop);
    };
    this.#raf = requestAnimationFrame(loop);
    (window as unknown as { __parleyLive: unknown }).__parleyLive = this;
  }

  #wire(): void {
    const r = this.room;
    r.on(LiveRoom.EVENT.DANMAKU, ({ data }) => {
      this.list.add({ kind: 'danmaku', nick: data.nickName, text: data.msg, self: data.self });
      this.dm.push(data.msg, data.self);
    });
    r.on(LiveRoom.EVENT.TEXT, ({ data }) => this.list.add({ kind: 'text', nick: data.nickName, text: data.msg, self: data.self }));
    r.on(LiveRoom.EVENT.LIKES, ({ data }) => {
      const others = Math.max(0, data.delta - this.#myTaps);
      this.#myTaps = Math.max(0, this.#myTaps - data.delta);
      if (others > 0) this.hearts.burst(Math.min(others, 6));
      this.#likes = Math.max(this.#likes, data.total);
    });
    r.on(LiveRoom.EVENT.ENTER, ({ data }) => this.#notice(data.users, data.count, 'joined', data.onlineCount));
    r.on(LiveRoom.EVENT.EXIT, ({ data }) => this.#notice(data.users, data.count, 'left', data.onlineCount));
    r.on(LiveRoom.EVENT.ONLINE_COUNT, ({ data }) => (this.#online = data.count));
    r.on(LiveRoom.EVENT.CLOSED, () => {
      this.#closed = true;
      this.list.add({ kind: 'notice', nick: '', text: 'The room was closed.', self: false });
      this.#input.disabled = this.#send.disabled = this.#likeBtn.disabled = true;
      this.#say('The room was closed.');
    });
  }

  #notice(users: { userID: string; nick?: string }[], count: number, verb: string, online: number): void {
    this.#online = online;
    const names = users.slice(0, 3).map((u) => u.nick || u.userID);
    const rest = count - names.length;
    const text = `${names.join(', ')}${rest > 0 ? ` and ${rest} other${rest === 1 ? '' : 's'}` : ''} ${verb}`;
    this.list.add({ kind: 'notice', nick: '', text, self: false });
    this.#ticker.textContent = text;
    this.#ticker.classList.remove('show');
    void this.#ticker.offsetWidth;
    this.#ticker.classList.add('show');
    // Screen readers hear at most one notice every 5 s.
    const now = Date.now();
    if (now - this.#lastAnnounce > 5000) {
      this.#lastAnnounce = now;
      this.#say(text);
    }
  }

  #say(text: string): void {
    this.#announce.textContent = text;
  }

  async enter(): Promise<void> {
    const r = await this.room.enter();
    if (typeof r.memberCount === 'number') this.#online = r.memberCount;
    this.list.add({ kind: 'notice', nick: '', text: `You joined ${this.room.groupID}${this.me.guest ? ' as a guest (watch only)' : ''}.`, self: false });
    if (!this.me.guest) this.#input.focus();
    else this.#likeBtn.parentElement?.querySelector<HTMLButtonElement>('.dm-toggle')?.focus();
  }

  frame(now: number): void {
    this.dm.tick(now);
    this.list.render();
    if (this.#likes !== this.#shownLikes) {
      this.#shownLikes = this.#likes;
      this.#likeEl.textContent = this.#likes.toLocaleString();
    }
    if (this.#online !== this.#shownOnline) {
      this.#shownOnline = this.#online;
      this.#onlineEl.textContent = this.#online.toLocaleString();
    }
  }

  like(): void {
    if (this.me.guest || this.#closed) return;
    this.room.like();
    this.#myTaps++;
    this.#likes++;
    this.hearts.burst(1);
    this.#likeBtn.classList.remove('pop');
    void this.#likeBtn.offsetWidth;
    this.#likeBtn.classList.add('pop');
  }

  toggleDanmaku(): void {
    this.dm.enabled = !this.dm.enabled;
    this.#dmToggle.setAttribute('aria-pressed', String(this.dm.enabled));
    this.#dmToggle.textContent = this.dm.enabled ? 'Danmaku on' : 'Danmaku off';
  }

  async send(): Promise<void> {
    const text = this.#input.value.trim();
    if (!text || this.me.guest) return;
    this.#status.textContent = '';
    this.#status.className = 'composer-status';
    this.#input.value = '';
    try {
      if (this.#asDanmaku.checked) await this.room.sendDanmaku(text);
      else await this.room.sendText(text);
    } catch (err) {
      this.#input.value = text;
      this.#status.className = 'composer-status error';
      this.#status.textContent = `Not sent: ${errText(err)}`;
    }
  }

  netState(state: string): void {
    this.root.dataset['net'] = state;
    if (state === 'connected') this.#status.textContent = '';
    else if (state === 'connecting') this.#status.textContent = 'Reconnecting…';
    else if (state === 'disconnected') this.#status.textContent = 'Offline — will reconnect.';
  }

  #onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || t.closest('input, textarea, select')) return;
    if (e.key === 'l' || e.key === 'L') {
      e.preventDefault();
      this.like();
    } else if (e.key === 'd' || e.key === 'D') {
      e.preventDefault();
      this.toggleDanmaku();
    } else if (e.key === '/') {
      e.preventDefault();
      this.#input.focus();
    }
  }

  /** For the page's tests: what the page holds and shows. */
  state(): { chatLines: number; chatTotal: number; lines: Line[]; likeTotal: number; online: number; danmaku: DanmakuLayer['stats'] } {
    return { chatLines: this.list.size, chatTotal: this.list.total, lines: this.list.lines().slice(-50), likeTotal: this.#likes, online: this.#online, danmaku: { ...this.dm.stats } };
  }

  async leave(): Promise<void> {
    this.dispose();
    await this.room.exit().catch(() => {});
    view = undefined;
    await roomScreen();
  }

  dispose(): void {
    cancelAnimationFrame(this.#raf);
    document.removeEventListener('keydown', this.#keys);
  }
}

connectScreen();
