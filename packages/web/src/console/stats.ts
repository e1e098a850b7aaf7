/**
 * @module console/stats
 * Live statistics: online sessions, messages per second (stored C2C/group and live-room) and live
 * rooms, as uPlot charts fed by `/console/api/stats` once a second, plus the biggest rooms.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clear, h } from '../shared/dom.ts';
import type { Shell } from './main.ts';

interface Snapshot {
  node: string;
  now: number;
  samples: { t: number; sessions: number; connections: number; storedPerSec: number; livePerSec: number }[];
  rooms: { sdkAppId: number; groupId: string; name: string; online: number }[];
  roomsTotal: number;
}

let active: { stop(): void } | undefined;

function chart(el: HTMLElement, title: string, series: { label: string; stroke: string; fill?: string }[]): uPlot {
  const width = Math.max(280, el.clientWidth - 2);
  return new uPlot({
    title, width, height: 200,
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil(max * 1.15))] } },
    axes: [{ stroke: '#6b7280', grid: { stroke: '#eef0f3' } }, { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, size: 50 }],
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, ...(s.fill && { fill: s.fill }), points: { show: false } }))],
  }, [[], ...series.map(() => [])], el);
}

export function renderStats(el: HTMLElement, shell: Shell): void {
  active?.stop();
  const scope = shell.client.operator ? (shell.app ? `?sdkAppId=${shell.app.sdkAppId}` : '') : '';
  const headline = h('div', { class: 'kpis' });
  const c1 = h('div', { class: 'chart card' });
  const c2 = h('div', { class: 'chart card' });
  const c3 = h('div', { class: 'chart card' });
  const rooms = h('section', { class: 'card' });
  const note = h('p', { class: 'hint' }, shell.client.operator ? (shell.app ? `Rooms of app ${shell.app.sdkAppId}; sessions and rates for the whole node.` : 'All apps on this node.') : 'Your app\'s rooms; sessions and rates for the whole node.');
  el.append(note, headline, h('div', { class: 'charts' }, c1, c2, c3), rooms);
  const online = chart(c1, 'Online sessions', [{ label: 'Sessions', stroke: '#2563eb', fill: '#2563eb22' }, { label: 'Connections', stroke: '#94a3b8' }]);
  const rate = chart(c2, 'Messages per second', [{ label: 'Live rooms', stroke: '#db2777', fill: '#db277718' }, { label: 'Stored (C2C, groups)', stroke: '#059669' }]);
  const live = chart(c3, 'Live rooms', [{ label: 'Rooms with viewers', stroke: '#7c3aed' }, { label: 'Viewers in rooms', stroke: '#f59e0b', fill: '#f59e0b22' }]);
  const roomHistory: { t: number; rooms: number; viewers: number }[] = [];
  let stopped = false;
  let timer = 0;
  const ro = new ResizeObserver(() => {
    for (const [u, c] of [[online, c1], [rate, c2], [live, c3]] as const) u.setSize({ width: Math.max(280, c.clientWidth - 2), height: 200 });
  });
  ro.observe(c1);

  async function poll(): Promise<void> {
    if (stopped) return;
    if (!el.isConnected) return active?.stop();
    try {
      const s = await shell.client.api<Snapshot>(`stats${scope}`);
      const xs = s.samples.map((x) => x.t / 1000);
      online.setData([xs, s.samples.map((x) => x.sessions), s.samples.map((x) => x.connections)]);
      rate.setData([xs, s.samples.map((x) => x.livePerSec), s.samples.map((x) => x.storedPerSec)]);
      const withViewers = s.rooms.filter((r) => r.online > 0);
      roomHistory.push({ t: s.now / 1000, rooms: withViewers.length, viewers: withViewers.reduce((a, r) => a + r.online, 0) });
      if (roomHistory.length > 120) roomHistory.shift();
      live.setData([roomHistory.map((r) => r.t), roomHistory.map((r) => r.rooms), roomHistory.map((r) => r.viewers)]);
      const last = s.samples[s.samples.length - 1];
      clear(headline,
        kpi('Online sessions', last?.sessions ?? 0), kpi('Messages / s', (last?.livePerSec ?? 0) + (last?.storedPerSec ?? 0)),
        kpi('Live rooms', withViewers.length), kpi('Viewers in rooms', roomHistory[roomHistory.length - 1]!.viewers));
      const max = Math.max(1, ...s.rooms.map((r) => r.online));
      clear(rooms, h('h2', null, `Live rooms (${s.roomsTotal})`), s.rooms.length === 0 ? h('p', { class: 'empty' }, 'No live rooms.') : h('table', { class: 'rooms-table' },
        h('thead', null, h('tr', null, ['Room', 'App', 'Online', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, s.rooms.slice(0, 20).map((r) => h('tr', null,
          h('td', null, r.name, h('div', { class: 'hint mono' }, r.groupId)), h('td', { class: 'mono' }, String(r.sdkAppId)), h('td', { class: 'num' }, r.online.toLocaleString()),
          h('td', { class: 'barcell' }, h('div', { class: 'bar', role: 'presentation', style: `width:${Math.round((r.online / max) * 100)}%` })))))));
    } catch (e) {
      clear(headline, h('p', { class: 'error' }, (e as Error).message));
    }
    timer = window.setTimeout(() => void poll(), 1000);
  }

  active = {
    stop() {
      stopped = true;
      clearTimeout(timer);
      ro.disconnect();
      online.destroy();
      rate.destroy();
      live.destroy();
      active = undefined;
    },
  };
  void poll();
}

function kpi(label: string, value: number): HTMLElement {
  return h('div', { class: 'kpi card' }, h('div', { class: 'kpi-value' }, value.toLocaleString()), h('div', { class: 'kpi-label' }, label));
}
