/**
 * @module userbuf
 * PrivateMapKey: a v2 UserSig whose userbuf is a binary TRTC room-permission record. All integers
 * are big-endian. `dwExpTime` is absolute (issue time + expire), unlike the ticket's relative expire.
 */
import { assertUint, nowSeconds } from './args.ts';
import { genUserSigV2 } from './v2.ts';

const U32 = 0xffffffff;

export interface PrivateMapUserbuf {
  /** 0: numeric room id; 1: string room id appended. */
  version: 0 | 1;
  identifier: string;
  sdkAppId: number;
  /** Numeric room id (0 in the string-room variant). */
  roomId: number;
  /** Absolute expiry, Unix seconds. */
  expireAt: number;
  privilegeMap: number;
  accountType: number;
  roomStr?: string;
}

/** The identifier and room string are written as UTF-8 (the same bytes as the official libs for ASCII). */
export function buildPrivateMapUserbuf(f: Omit<PrivateMapUserbuf, 'version' | 'accountType'> & { accountType?: number }): Buffer {
  const account = Buffer.from(f.identifier, 'utf8');
  const room = f.roomStr === undefined ? undefined : Buffer.from(f.roomStr, 'utf8');
  if (account.length > 0xffff) throw new RangeError('identifier is longer than 65535 bytes');
  if (room !== undefined && room.length > 0xffff) throw new RangeError('room id string is longer than 65535 bytes');
  const buf = Buffer.alloc(23 + account.length + (room === undefined ? 0 : 2 + room.length));
  let o = buf.writeUInt8(room === undefined ? 0 : 1, 0);
  o = buf.writeUInt16BE(account.length, o);
  o += account.copy(buf, o);
  o = buf.writeUInt32BE(assertUint('sdkAppId', f.sdkAppId, U32), o);
  o = buf.writeUInt32BE(assertUint('roomId', f.roomId, U32), o);
  o = buf.writeUInt32BE(assertUint('time + expire', f.expireAt, U32), o);
  o = buf.writeUInt32BE(assertUint('privilegeMap', f.privilegeMap, U32), o);
  o = buf.writeUInt32BE(assertUint('accountType', f.accountType ?? 0, U32), o);
  if (room !== undefined) {
    o = buf.writeUInt16BE(room.length, o);
    room.copy(buf, o);
  }
  return buf;
}

/** Parses a PrivateMapKey userbuf; `undefined` when the bytes are not one (never throws). */
export function parsePrivateMapUserbuf(buf: Uint8Array): PrivateMapUserbuf | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 23) return undefined;
  const version = b[0];
  if (version !== 0 && version !== 1) return undefined;
  const len = b.readUInt16BE(1);
  let o = 3 + len;
  if (b.length < o + 20) return undefined;
  const out: PrivateMapUserbuf = {
    version,
    identifier: b.toString('utf8', 3, o),
    sdkAppId: b.readUInt32BE(o),
    roomId: b.readUInt32BE(o + 4),
    expireAt: b.readUInt32BE(o + 8),
    privilegeMap: b.readUInt32BE(o + 12),
    accountType: b.readUInt32BE(o + 16),
  };
  o += 20;
  if (version === 1) {
    if (b.length < o + 2) return undefined;
    const rlen = b.readUInt16BE(o);
    o += 2;
    if (b.length < o + rlen) return undefined;
    out.roomStr = b.toString('utf8', o, o + rlen);
    o += rlen;
  }
  return o === b.length ? out : undefined;
}

/**
 * genPrivateMapKey / genPrivateMapKeyWithStringRoomID in one: a string `roomId` selects the
 * string-room variant. One clock reading serves both the userbuf and TLS.time (the official libs
 * read the clock twice and can disagree by a second).
 */
export function genPrivateMapKey(opts: {
  sdkAppId: number;
  secretKey: string;
  identifier: string;
  expire: number;
  roomId: number | string;
  privilegeMap: number;
  time?: number;
}): string {
  const time = assertUint('time', opts.time ?? nowSeconds());
  const expire = assertUint('expire', opts.expire);
  const userbuf = buildPrivateMapUserbuf({
    identifier: opts.identifier,
    sdkAppId: opts.sdkAppId,
    roomId: typeof opts.roomId === 'string' ? 0 : opts.roomId,
    ...(typeof opts.roomId === 'string' ? { roomStr: opts.roomId } : {}),
    expireAt: time + expire,
    privilegeMap: opts.privilegeMap,
  });
  return genUserSigV2({ sdkAppId: opts.sdkAppId, secretKey: opts.secretKey, identifier: opts.identifier, expire, time, userbuf });
}
