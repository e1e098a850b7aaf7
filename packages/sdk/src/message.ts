/**
 * @module message
 * The Message object of the Web SDK, and the mapping between its `payload` and the wire's Tencent
 * `MsgBody` elements (`{ MsgType, MsgContent }`), field by field as the Web SDK names them:
 * Text ↔ text, Data/Desc/Ext ↔ data/description/extension, Index/Data ↔ index/data, …
 */
import type { MsgBody, MsgElement, WireMessage } from '@parley/protocol';
import type { ConversationType, MessageFlow, MessagePriority, MessageStatus } from './constants.ts';

export type Payload = Record<string, any>;

export interface MessageInit {
  ID: string;
  type: string;
  payload: Payload;
  conversationType: ConversationType;
  to: string;
  from: string;
  flow: MessageFlow;
  priority?: MessagePriority;
  cloudCustomData?: string;
}

export class Message {
  ID: string;
  type: string;
  payload: Payload;
  conversationID: string;
  conversationType: ConversationType;
  to: string;
  from: string;
  flow: MessageFlow;
  /** Server time, seconds (local time until the server stamps it). */
  time: number;
  /** Local creation time, seconds. */
  clientTime: number;
  /** Conversation sequence (0 until stored; stays 0 for online-only messages). */
  sequence: number;
  random: number;
  priority: MessagePriority;
  status: MessageStatus;
  nick: string;
  avatar: string;
  nameCard = '';
  isRead: boolean;
  isPeerRead = false;
  isRevoked = false;
  isDeleted = false;
  isModified = false;
  cloudCustomData: string;
  atUserList: string[] = [];
  /** Who recalled it (when isRevoked). */
  revoker = '';
  /** Parley: the message's server key `<sequence>_<random>_<time>` (empty until sent). */
  msgKey = '';
  /** Parley: delivered to online sessions only and never stored. */
  onlineOnly = false;
  protocol = 'JSON';

  constructor(init: MessageInit) {
    this.ID = init.ID;
    this.type = init.type;
    this.payload = init.payload;
    this.conversationType = init.conversationType;
    this.to = init.to;
    this.from = init.from;
    this.flow = init.flow;
    this.conversationID = init.conversationType + (init.flow === 'out' || init.conversationType === 'GROUP' ? init.to : init.from);
    const now = Math.floor(Date.now() / 1000);
    this.time = now;
    this.clientTime = now;
    this.sequence = 0;
    this.random = (Math.random() * 0xffffffff) >>> 0;
    this.priority = init.priority ?? 'Normal';
    this.status = 'unSend';
    this.nick = '';
    this.avatar = '';
    this.isRead = init.flow === 'out';
    this.cloudCustomData = init.cloudCustomData ?? '';
  }

  /** Web SDK: messages show a "recalled" placeholder; text is kept for the sender. */
  getElements(): Payload[] {
    return [this.payload];
  }
}

/** A fresh client message id: the sender, the client time and a random part (≤ 64 chars). */
export function newMessageID(userID: string): string {
  const r = Math.floor(Math.random() * 0x7fffffff).toString(36);
  const c = (++counter).toString(36);
  return `${userID}-${Date.now()}-${r}${c}`;
}
let counter = 0;

/** MsgBody element → Web SDK payload. */
export function payloadOf(el: MsgElement | undefined): Payload {
  if (!el) return {};
  const c = (el.MsgContent ?? {}) as Record<string, any>;
  switch (el.MsgType) {
    case 'TIMTextElem':
      return { text: c['Text'] ?? '' };
    case 'TIMCustomElem':
      return { data: c['Data'] ?? '', description: c['Desc'] ?? '', extension: c['Ext'] ?? '' };
    case 'TIMFaceElem':
      return { index: c['Index'] ?? 0, data: c['Data'] ?? '' };
    case 'TIMLocationElem':
      return { description: c['Desc'] ?? '', latitude: c['Latitude'] ?? 0, longitude: c['Longitude'] ?? 0 };
    case 'TIMImageElem':
      return {
        uuid: c['UUID'] ?? '',
        imageFormat: c['ImageFormat'] ?? 255,
        imageInfoArray: ((c['ImageInfoArray'] ?? []) as any[]).map((i) => ({
          // The Web SDK numbers the variants 0 original, 1 large, 2 thumbnail; the wire 1, 2, 3.
          type: typeof i.Type === 'number' ? i.Type - 1 : 0,
          size: i.Size ?? 0,
          width: i.Width ?? 0,
          height: i.Height ?? 0,
          url: i.URL ?? '',
          imageUrl: i.URL ?? '',
        })),
      };
    case 'TIMSoundElem':
      return { url: c['Url'] ?? '', uuid: c['UUID'] ?? '', size: c['Size'] ?? 0, second: c['Second'] ?? 0, downloadFlag: c['Download_Flag'] ?? 2 };
    case 'TIMFileElem':
      return { fileUrl: c['Url'] ?? '', uuid: c['UUID'] ?? '', fileSize: c['FileSize'] ?? 0, fileName: c['FileName'] ?? '', downloadFlag: c['Download_Flag'] ?? 2 };
    case 'TIMVideoFileElem':
      return {
        videoUrl: c['VideoUrl'] ?? '', videoUUID: c['VideoUUID'] ?? '', videoSize: c['VideoSize'] ?? 0, videoSecond: c['VideoSecond'] ?? 0,
        videoFormat: c['VideoFormat'] ?? '', thumbUrl: c['ThumbUrl'] ?? '', thumbUUID: c['ThumbUUID'] ?? '', thumbSize: c['ThumbSize'] ?? 0,
        thumbWidth: c['ThumbWidth'] ?? 0, thumbHeight: c['ThumbHeight'] ?? 0, thumbFormat: c['ThumbFormat'] ?? '',
      };
    default:
      // Group tips and system notices: the server's fields with lower-camel-case keys.
      return camelize(c);
  }
}

/** Web SDK payload → MsgBody element. */
export function elementOf(type: string, p: Payload): MsgElement {
  switch (type) {
    case 'TIMTextElem':
      return { MsgType: 'TIMTextElem', MsgContent: { Text: String(p['text'] ?? '') } };
    case 'TIMCustomElem':
      return { MsgType: 'TIMCustomElem', MsgContent: clean({ Data: str(p['data']), Desc: str(p['description']), Ext: str(p['extension']) }) };
    case 'TIMFaceElem':
      return { MsgType: 'TIMFaceElem', MsgContent: clean({ Index: Number(p['index'] ?? 0), Data: str(p['data']) }) as { Index: number } };
    case 'TIMLocationElem':
      return {
        MsgType: 'TIMLocationElem',
        MsgContent: clean({ Desc: str(p['description']), Latitude: Number(p['latitude'] ?? 0), Longitude: Number(p['longitude'] ?? 0) }) as { Latitude: number; Longitude: number },
      };
    case 'TIMImageElem': {
      const list = Array.isArray(p['imageInfoArray']) && p['imageInfoArray'].length > 0
        ? (p['imageInfoArray'] as any[])
        : [{ type: 0, url: p['url'] ?? p['imageUrl'], width: p['width'], height: p['height'], size: p['size'] }];
      return {
        MsgType: 'TIMImageElem',
        MsgContent: {
          UUID: String(p['uuid'] ?? uuidOf(list[0]?.url ?? list[0]?.imageUrl ?? '')),
          ImageFormat: Number(p['imageFormat'] ?? 255),
          ImageInfoArray: list.map((i) => ({
            Type: (Math.min(2, Math.max(0, Number(i.type ?? 0))) + 1) as 1 | 2 | 3,
            Size: Number(i.size ?? 0), Width: Number(i.width ?? 0), Height: Number(i.height ?? 0),
            URL: String(i.url ?? i.imageUrl ?? ''),
          })),
        },
      };
    }
    case 'TIMSoundElem':
      return {
        MsgType: 'TIMSoundElem',
        MsgContent: clean({ Url: str(p['url']), UUID: String(p['uuid'] ?? uuidOf(String(p['url'] ?? ''))), Size: Number(p['size'] ?? 0), Second: Number(p['second'] ?? 0), Download_Flag: 2 }) as any,
      };
    case 'TIMFileElem':
      return {
        MsgType: 'TIMFileElem',
        MsgContent: clean({
          Url: str(p['fileUrl'] ?? p['url']), UUID: String(p['uuid'] ?? uuidOf(String(p['fileUrl'] ?? p['url'] ?? ''))),
          FileSize: Number(p['fileSize'] ?? p['size'] ?? 0), FileName: String(p['fileName'] ?? p['name'] ?? ''), Download_Flag: 2,
        }) as any,
      };
    case 'TIMVideoFileElem':
      return {
        MsgType: 'TIMVideoFileElem',
        MsgContent: clean({
          VideoUrl: String(p['videoUrl'] ?? ''), VideoUUID: str(p['videoUUID']), VideoSize: Number(p['videoSize'] ?? 0),
          VideoSecond: Number(p['videoSecond'] ?? 0), VideoFormat: String(p['videoFormat'] ?? 'mp4'), VideoDownloadFlag: 2,
          ThumbUrl: String(p['thumbUrl'] ?? ''), ThumbUUID: str(p['thumbUUID']), ThumbSize: Number(p['thumbSize'] ?? 0),
          ThumbWidth: Number(p['thumbWidth'] ?? 0), ThumbHeight: Number(p['thumbHeight'] ?? 0), ThumbFormat: str(p['thumbFormat']), ThumbDownloadFlag: 2,
        }) as any,
      };
    default:
      throw new Error(`Unsupported message type ${type}`);
  }
}

/** A Message from a wire message, as seen by `me`. */
export function fromWire(w: WireMessage, me: string): Message {
  const el = w.body[0];
  const flow: MessageFlow = w.from === me ? 'out' : 'in';
  const m = new Message({
    ID: messageIDOf(w),
    type: el?.MsgType ?? 'TIMCustomElem',
    payload: payloadOf(el),
    conversationType: w.type,
    to: w.to,
    from: w.from,
    flow,
    ...(w.priority !== undefined && { priority: w.priority }),
    ...(w.cloudCustomData !== undefined && { cloudCustomData: w.cloudCustomData }),
  });
  // A C2C message to myself lives in C2C<me>.
  if (w.type === 'C2C') m.conversationID = 'C2C' + (w.from === me ? w.to : w.from);
  stampFromWire(m, w);
  m.isRead = flow === 'out';
  return m;
}

/** Copies the server's stamps onto a local message (after a send, or for a duplicate). */
export function stampFromWire(m: Message, w: WireMessage): void {
  m.time = w.time;
  m.sequence = w.seq;
  m.random = w.random;
  m.msgKey = w.seq > 0 ? w.msgKey : '';
  if (w.priority) m.priority = w.priority;
  if (w.nick) m.nick = w.nick;
  if (w.avatar) m.avatar = w.avatar;
  if (w.cloudCustomData) m.cloudCustomData = w.cloudCustomData;
  if (w.revoked) m.isRevoked = true;
  if (w.onlineOnly) m.onlineOnly = true;
  m.status = 'success';
}

/** The message's ID: the sender's client id when it has one, else one derived from its key. */
export function messageIDOf(w: WireMessage): string {
  if (w.clientMsgId) return w.clientMsgId;
  return `${w.type === 'GROUP' ? 'G' : 'C'}-${w.from}-${w.to}-${w.msgKey}`;
}

export function bodyOf(m: Message): MsgBody {
  return [elementOf(m.type, m.payload)];
}

/** A plain object for the cache (JSON-safe); `reviveMessage` turns it back into a Message. */
export function reviveMessage(o: Record<string, any>): Message {
  const m = new Message({
    ID: o['ID'], type: o['type'], payload: o['payload'] ?? {}, conversationType: o['conversationType'], to: o['to'], from: o['from'], flow: o['flow'],
  });
  Object.assign(m, o);
  return m;
}

/** Text shown for a message in a conversation list (Tencent's `messageForShow`). */
export function messageForShow(m: Message): string {
  if (m.isRevoked) return 'Message recalled';
  switch (m.type) {
    case 'TIMTextElem':
      return String(m.payload['text'] ?? '');
    case 'TIMCustomElem':
      return '[Custom message]';
    case 'TIMFaceElem':
      return '[Emoji]';
    case 'TIMLocationElem':
      return '[Location]';
    case 'TIMImageElem':
      return '[Image]';
    case 'TIMSoundElem':
      return '[Voice]';
    case 'TIMFileElem':
      return '[File]';
    case 'TIMVideoFileElem':
      return '[Video]';
    case 'TIMGroupTipElem':
      return '[Group tip]';
    case 'TIMGroupSystemNoticeElem':
      return '[Group system notice]';
    default:
      return '';
  }
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function uuidOf(url: string): string {
  const last = url.split('?')[0]!.split('/').pop() ?? '';
  return last || `u${Date.now().toString(36)}`;
}

function camelize(c: Record<string, any>): Payload {
  const out: Payload = {};
  for (const [k, v] of Object.entries(c)) {
    const key = k.length > 0 ? k[0]!.toLowerCase() + k.slice(1).replace(/_([a-zA-Z])/g, (_, ch: string) => ch.toUpperCase()) : k;
    out[key] = v;
  }
  return out;
}
