/**
 * @module live/live-cluster
 * What live-room engines on different nodes say to each other over the Bus. A room has one channel
 * (`roomChannel`); a node subscribes while it has local members, and everything for the room is
 * published there ONCE, whatever the number of members: each node fans out to its own members.
 * App-wide broadcasts (BChatRoom) travel on one node-wide channel.
 *
 * Line format like cluster/cluster-message.ts: encoded push text is carried verbatim.
 * - `M<origin>\n` then per entry `<rank>\t<kind>\t<length>\n<push text>`  room entries (messages,
 *   notices) appended on the origin during one event-loop turn: one bus message, not one per entry;
 *   `length` counts UTF-16 code units of the push text
 * - `E<origin>\t<rank>\t<kind>\n<push text>`  one room entry (still decoded, for mixed versions)
 * - `L<origin>\n<json {d, u: [[userID, taps], ...]}>` like taps counted on the origin node
 * - `C<origin>\n`                                 the room was closed (dismissed)
 * - `B<origin>\t<sdkAppId>\n<push text>`          BChatRoom broadcast
 */

export const BROADCAST_CHANNEL = 'live:b';

export function roomChannel(sdkAppId: number, groupId: string): string {
  return `r:${sdkAppId}:${groupId}`;
}

export interface LiveEntry {
  rank: number;
  kind: number;
  text: string;
}

export type LiveClusterMessage =
  | { t: 'entries'; origin: string; entries: LiveEntry[] }
  | { t: 'entry'; origin: string; rank: number; kind: number; text: string }
  | { t: 'likes'; origin: string; delta: number; users: [string, number][] }
  | { t: 'close'; origin: string }
  | { t: 'broadcast'; origin: string; sdkAppId: number; text: string };

export function encodeLiveMessage(m: LiveClusterMessage): string {
  switch (m.t) {
    case 'entries': {
      let out = `M${m.origin}\n`;
      for (const e of m.entries) out += `${e.rank}\t${e.kind}\t${e.text.length}\n${e.text}`;
      return out;
    }
    case 'entry':
      return `E${m.origin}\t${m.rank}\t${m.kind}\n${m.text}`;
    case 'likes':
      return `L${m.origin}\n${JSON.stringify({ d: m.delta, u: m.users })}`;
    case 'close':
      return `C${m.origin}\n`;
    case 'broadcast':
      return `B${m.origin}\t${m.sdkAppId}\n${m.text}`;
  }
}

export function decodeLiveMessage(payload: string): LiveClusterMessage | undefined {
  const nl = payload.indexOf('\n');
  if (nl < 1) return undefined;
  const head = payload.slice(1, nl);
  const body = payload.slice(nl + 1);
  switch (payload.charCodeAt(0)) {
    case 77 /* M */:
      return decodeEntries(head, payload, nl + 1);
    case 69 /* E */: {
      const [origin, rank, kind] = head.split('\t');
      if (origin === undefined || rank === undefined || kind === undefined) return undefined;
      return { t: 'entry', origin, rank: Number(rank), kind: Number(kind), text: body };
    }
    case 76 /* L */: {
      try {
        const o = JSON.parse(body) as { d?: unknown; u?: unknown };
        if (typeof o.d !== 'number' || !Array.isArray(o.u)) return undefined;
        return { t: 'likes', origin: head, delta: o.d, users: o.u as [string, number][] };
      } catch {
        return undefined;
      }
    }
    case 67 /* C */:
      return { t: 'close', origin: head };
    case 66 /* B */: {
      const [origin, app] = head.split('\t');
      if (origin === undefined || app === undefined) return undefined;
      return { t: 'broadcast', origin, sdkAppId: Number(app), text: body };
    }
    default:
      return undefined;
  }
}

function decodeEntries(origin: string, payload: string, at: number): LiveClusterMessage | undefined {
  const entries: LiveEntry[] = [];
  while (at < payload.length) {
    const nl = payload.indexOf('\n', at);
    if (nl < 0) return undefined;
    const [rank, kind, length] = payload.slice(at, nl).split('\t');
    const n = Number(length);
    if (rank === undefined || kind === undefined || !Number.isInteger(n) || n < 0 || nl + 1 + n > payload.length) return undefined;
    entries.push({ rank: Number(rank), kind: Number(kind), text: payload.slice(nl + 1, nl + 1 + n) });
    at = nl + 1 + n;
  }
  return { t: 'entries', origin, entries };
}
