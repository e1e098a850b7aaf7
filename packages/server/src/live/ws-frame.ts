/**
 * @module live/ws-frame
 * One live-room frame, encoded once and written to many sockets.
 *
 * Server-to-client WebSocket frames are not masked, so the bytes of a frame (header + payload) are
 * the same for every receiver: the frame is built once as one Buffer and written to each member's
 * TCP socket with a single `socket.write`, sharing the Buffer (libuv keeps a reference, no copy).
 *
 * Writing beside `ws` is safe under the conditions checked in `writeShared`: the gateway disables
 * permessage-deflate (no RSV1 frames, no compression state), the socket is OPEN (no close frame
 * sent yet) and ws's sender is idle (`_state` DEFAULT: it queues only while compressing or reading
 * a Blob, and never mid-frame otherwise), so a whole frame from us can only land between two whole
 * frames of ws's. Otherwise the frame goes through `ws.send` as a text frame (same bytes, one more
 * header allocation).
 */
import type { WebSocket } from 'ws';

export interface SharedFrame {
  /** Header + payload, written as is. */
  readonly framed: Buffer;
  /** The payload (a view into `framed`), for the `ws.send` fallback. */
  readonly payload: Buffer;
}

/** Builds an unmasked, final text frame (opcode 0x1) around UTF-8 text. */
export function encodeTextFrame(text: string): SharedFrame {
  const len = Buffer.byteLength(text);
  const headerLen = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const framed = Buffer.allocUnsafe(headerLen + len);
  framed[0] = 0x81;
  if (len < 126) {
    framed[1] = len;
  } else if (len < 65_536) {
    framed[1] = 126;
    framed.writeUInt16BE(len, 2);
  } else {
    framed[1] = 127;
    framed.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    framed.writeUInt32BE(len >>> 0, 6);
  }
  framed.write(text, headerLen, 'utf8');
  return { framed, payload: framed.subarray(headerLen) };
}

interface WsInternals {
  _socket?: { write(b: Buffer): boolean; destroyed: boolean; writable: boolean } | null;
  _sender?: { _state?: number; _compress?: boolean } | null;
  _extensions?: Record<string, unknown>;
}

/** Writes a shared frame to one WebSocket. Returns false when the socket is not open. */
export function writeShared(ws: WebSocket, frame: SharedFrame): boolean {
  if (ws.readyState !== 1) return false;
  const w = ws as unknown as WsInternals;
  const socket = w._socket;
  const sender = w._sender;
  if (socket && sender && sender._state === 0 && socket.writable && !socket.destroyed && !(w._extensions && 'permessage-deflate' in w._extensions)) {
    socket.write(frame.framed);
    return true;
  }
  ws.send(frame.payload, { binary: false });
  return true;
}
