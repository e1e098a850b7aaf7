/**
 * @module live/live-convention
 * The live-stream convention many Tencent IM apps use in AVChatRoom: a text message whose Text is
 * JSON `{ "userAction": 1..5, "userId", "nickName", "headPic", "msg" }` (docs/live-rooms.md).
 * 1 = text, 2 = enter, 3 = exit, 4 = like, 5 = danmaku. Parley maps it onto first-class features:
 * likes go to the room's like counter, client-sent enter/exit are not forwarded (the server
 * generates member notices itself), text and danmaku are broadcast as messages.
 */
import { LiveUserAction, MAX_LIKES_PER_CALL } from '@parley/protocol';

export type LiveConvention =
  | { kind: 'like'; count: number }
  | { kind: 'enterExit'; action: 2 | 3 }
  | { kind: 'message'; action?: 1 | 5 };

const MESSAGE: LiveConvention = { kind: 'message' };

/**
 * Classifies a live-room message body (a MsgBody array, or its JSON text). Anything that is not a
 * single text element carrying a convention JSON object is an ordinary message.
 */
export function interpretLiveConvention(body: unknown): LiveConvention {
  let elems = body;
  if (typeof elems === 'string') {
    if (!elems.includes('userAction')) return MESSAGE;
    try {
      elems = JSON.parse(elems);
    } catch {
      return MESSAGE;
    }
  }
  if (!Array.isArray(elems) || elems.length !== 1) return MESSAGE;
  const el = elems[0] as { MsgType?: unknown; MsgContent?: { Text?: unknown } } | undefined;
  if (!el || el.MsgType !== 'TIMTextElem') return MESSAGE;
  const text = el.MsgContent?.Text;
  if (typeof text !== 'string' || text.length > 16_384 || !text.includes('userAction')) return MESSAGE;
  const first = text.trimStart().charCodeAt(0);
  if (first !== 123 /* { */) return MESSAGE;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return MESSAGE;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return MESSAGE;
  const raw = (obj as { userAction?: unknown }).userAction;
  const action = typeof raw === 'string' && /^[1-5]$/.test(raw) ? Number(raw) : raw;
  switch (action) {
    case LiveUserAction.LIKE: {
      // Apps that merge taps client-side put the number in `count` (or `msg`); one tap otherwise.
      const o = obj as { count?: unknown; msg?: unknown };
      const n = Number(o.count ?? (typeof o.msg === 'number' || (typeof o.msg === 'string' && /^\d{1,7}$/.test(o.msg)) ? o.msg : 1));
      const count = Number.isSafeInteger(n) && n >= 1 ? Math.min(n, MAX_LIKES_PER_CALL) : 1;
      return { kind: 'like', count };
    }
    case LiveUserAction.ENTER:
      return { kind: 'enterExit', action: 2 };
    case LiveUserAction.EXIT:
      return { kind: 'enterExit', action: 3 };
    case LiveUserAction.TEXT:
      return { kind: 'message', action: 1 };
    case LiveUserAction.DANMAKU:
      return { kind: 'message', action: 5 };
    default:
      return MESSAGE;
  }
}
