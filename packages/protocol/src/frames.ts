/**
 * @module frames
 * The WebSocket envelope (docs/protocol.md). JSON text frames:
 * - request  (client → server): `{ "id": 7, "op": "sendMessage", "data": {...} }`
 * - response (server → client): `{ "id": 7, "code": 0, "message": "", "data": {...} }`
 * - push     (server → client): `{ "push": "message", "data": {...} }`
 * - batch    (server → client): a JSON array of pushes/responses, sent when several are ready at once.
 */

export const PROTOCOL_VERSION = 1;

/** Hard cap on one inbound frame, enforced by the WebSocket layer (bytes). */
export const MAX_INBOUND_FRAME_BYTES = 64 * 1024;

export interface RequestFrame<Op extends string = string, D = unknown> {
  id: number;
  op: Op;
  data?: D;
}

export interface ResponseFrame<D = unknown> {
  id: number;
  code: number;
  message: string;
  data?: D;
}

export interface PushFrame<P extends string = string, D = unknown> {
  push: P;
  data: D;
}

export type ServerFrame = ResponseFrame | PushFrame;

/** Splits one server text frame into its responses and pushes. */
export function decodeServerFrame(text: string): ServerFrame[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as ServerFrame[]) : [parsed as ServerFrame];
}

export function isPush(f: ServerFrame): f is PushFrame {
  return typeof (f as PushFrame).push === 'string';
}
