/**
 * A receiver process for the live-room benchmark (child of run.ts): `count` WebSocket clients in the
 * room (raw-ws-client.ts: a TCP socket and a frame walker, so the receivers cost less than the
 * servers they measure). Every client counts logical messages (occurrences of the `~T` marker each
 * generated message carries, found with Buffer.indexOf in the payload bytes: no JSON parsing) and frames; one client in `sampleEvery`
 * also reads the send timestamps (`~T<ms>~`) for latency, `likes` totals and `roomMembers` notices.
 *   node --import tsx bench/live-room/receiver.ts <kind> <port> <count> <firstIndex> <sampleEvery> [joinPerSec]
 */
import { RawWs } from './raw-ws-client.ts';

const [kind = 'parley', portArg = '0', countArg = '2500', firstArg = '0', sampleArg = '50', joinRateArg = '0'] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const firstIndex = Number(firstArg);
const sampleEvery = Number(sampleArg);
const joinPerSec = Number(joinRateArg);
const APP = 1400000001;
const MARK = Buffer.from('~T');
const LIKES = Buffer.from('"push":"likes"');
const MEMBERS = Buffer.from('"push":"roomMembers"');
const now = () => performance.timeOrigin + performance.now();

let latencies: number[] = [];
let maxLikeTotal = 0;
let likePushes = 0;
let noticePushes = 0;
let noticeJoined = 0;
let sampledFrames = 0;
let joined = 0;
let closed = 0;
const closeCodes: Record<string, number> = {};
const sockets: RawWs[] = [];

function sample(buf: Buffer, t: number): void {
  sampledFrames++;
  let i = buf.indexOf(MARK);
  while (i >= 0) {
    const end = buf.indexOf(126 /* ~ */, i + 2);
    if (end > 0) latencies.push(t - Number(buf.toString('latin1', i + 2, end)));
    i = buf.indexOf(MARK, i + 2);
  }
  if (buf.indexOf(LIKES) >= 0) {
    const s = buf.toString();
    for (const m of s.matchAll(/"push":"likes","data":\{[^}]*?"total":(\d+)/g)) {
      likePushes++;
      maxLikeTotal = Math.max(maxLikeTotal, Number(m[1]));
    }
  }
  if (buf.indexOf(MEMBERS) >= 0) {
    const s = buf.toString();
    for (const m of s.matchAll(/"push":"roomMembers","data":\{.*?"joinedCount":(\d+)/g)) {
      noticePushes++;
      noticeJoined += Number(m[1]);
    }
  }
}

function open(index: number): Promise<void> {
  const path = kind === 'parley' ? '/ws' : kind === 'socketio' ? '/socket.io/?EIO=4&transport=websocket' : '/';
  const sampled = index % sampleEvery === 0;
  return new Promise((resolve) => {
    let done = false;
    const ok = () => {
      if (!done) {
        done = true;
        joined++;
        // Once in the room, an unsampled socket only counts frames and marks.
        if (!sampled) ws.mode = 'count';
        resolve();
      }
    };
    const ws: RawWs = new RawWs(port, path, {
      onOpen() {
        if (kind === 'parley') {
          // BENCH_STAGE=connect|login (memory breakdown only): stop before joining.
          const stage = process.env['BENCH_STAGE'];
          if (stage === 'connect') return ok();
          ws.send(JSON.stringify({ id: 1, op: 'benchLogin', data: { sdkAppId: APP, userID: `r${index}` } }));
          if (stage === 'login') {
            loginOnly = true;
            return;
          }
          ws.send(JSON.stringify({ id: 2, op: 'liveJoin', data: { groupID: 'bench' } }));
        } else if (kind !== 'socketio') ws.send('{"join":"bench"}');
      },
      onMessage(data) {
        const t = now();
        if (!done) {
          const s = data.toString();
          if (kind === 'parley' && (loginOnly || s.includes('"id":2,"code":0'))) ok();
          else if ((kind === 'ws' || kind === 'batch') && s.includes('"joined"')) ok();
          else if (kind === 'socketio') {
            if (s.startsWith('0{')) ws.send('40');
            else if (s.startsWith('40')) ok();
          }
        }
        if (sampled) sample(data, t);
      },
      onEngineIoPing() {
        ws.send('3');
      },
      onClose(code) {
        closed++;
        closeCodes[code] = (closeCodes[code] ?? 0) + 1;
        if (!done) {
          done = true;
          resolve();
        }
      },
    });
    let loginOnly = false;
    sockets.push(ws);
  });
}

async function connectAll(): Promise<void> {
  if (joinPerSec > 0) {
    // Join storm: a steady arrival rate.
    const started = Date.now();
    const all: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / joinPerSec;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      all.push(open(firstIndex + i));
    }
    await Promise.all(all);
    return;
  }
  let next = 0;
  const workers = Array.from({ length: 100 }, async () => {
    while (next < count) await open(firstIndex + next++);
  });
  await Promise.all(workers);
}

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'connect') {
    const t0 = Date.now();
    void connectAll().then(() => process.send?.({ cmd: 'connected', joined, ms: Date.now() - t0 }));
  } else if (m.cmd === 'reset') {
    sampledFrames = likePushes = noticePushes = noticeJoined = 0;
    for (const ws of sockets) ws.marks = ws.frames = 0;
    latencies = [];
    process.send?.({ cmd: 'reset', cpu: process.cpuUsage() });
  } else if (m.cmd === 'report') {
    let delivered = 0;
    let frames = 0;
    for (const ws of sockets) {
      delivered += ws.marks;
      frames += ws.frames;
    }
    process.send?.({
      cmd: 'report', delivered, frames, latencies, sampledFrames, maxLikeTotal, likePushes, noticePushes, noticeJoined,
      sampledClients: Math.ceil(count / sampleEvery), joined, closed, closeCodes, cpu: process.cpuUsage(),
    });
  } else if (m.cmd === 'exit') {
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.exit(0), 100);
  }
});
process.send?.({ cmd: 'ready' });
