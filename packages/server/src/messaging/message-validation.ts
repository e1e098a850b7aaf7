/**
 * @module messaging/message-validation
 * Validates a MsgBody as Tencent defines its elements (reference §4): required fields and types
 * per element, at most one TIMCustomElem, no server-only elements from clients, and the 12 KB
 * limit on the encoded body plus CloudCustomData. Returns the encoded body so it is encoded once.
 */
import { Codes, ELEMENT_TYPES, MAX_MESSAGE_BYTES, type CodeInfo, type MsgBody } from '@parley/protocol';
import { ParleyError } from '../errors.ts';

type FieldType = 'string' | 'number' | 'array';
type Spec = Record<string, { type: FieldType; required: boolean }>;
/** A spec as a list, built once: validation runs per element of every message. */
type Fields = readonly (readonly [string, { type: FieldType; required: boolean }])[];

const S = (required = false) => ({ type: 'string' as const, required });
const N = (required = false) => ({ type: 'number' as const, required });
const A = (required = false) => ({ type: 'array' as const, required });

const SPECS: Record<(typeof ELEMENT_TYPES)[number], Spec> = {
  TIMTextElem: { Text: S(true) },
  TIMCustomElem: { Data: S(), Desc: S(), Ext: S(), Sound: S() },
  TIMFaceElem: { Index: N(true), Data: S() },
  TIMLocationElem: { Desc: S(), Latitude: N(true), Longitude: N(true) },
  TIMImageElem: { UUID: S(true), ImageFormat: N(), ImageInfoArray: A(true) },
  TIMSoundElem: { Url: S(), UUID: S(), Size: N(true), Second: N(true), Download_Flag: N() },
  TIMFileElem: { Url: S(), UUID: S(), FileSize: N(true), FileName: S(true), Download_Flag: N() },
  TIMVideoFileElem: {
    VideoUrl: S(true), VideoUUID: S(), VideoSize: N(true), VideoSecond: N(true), VideoFormat: S(true),
    VideoDownloadFlag: N(), ThumbUrl: S(true), ThumbUUID: S(), ThumbSize: N(), ThumbWidth: N(), ThumbHeight: N(),
    ThumbFormat: S(), ThumbDownloadFlag: N(),
  },
};

const IMAGE_INFO: Fields = Object.entries({ Type: N(true), Size: N(), Width: N(), Height: N(), URL: S(true) } satisfies Spec);
const FIELDS = new Map<string, Fields>(Object.entries(SPECS).map(([type, spec]) => [type, Object.entries(spec)]));

function typeOk(v: unknown, t: FieldType): boolean {
  if (t === 'array') return Array.isArray(v);
  if (t === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === 'string';
}

/** Element `i` (and image info `j`): the error text is built only on failure. */
function where(i: number, j = -1): string {
  return j < 0 ? `MsgBody[${i}].MsgContent` : `MsgBody[${i}].MsgContent.ImageInfoArray[${j}]`;
}

function checkFields(obj: Record<string, unknown>, fields: Fields, i: number, j: number, bad: CodeInfo): void {
  for (const [name, f] of fields) {
    const v = obj[name];
    if (v === undefined || v === null) {
      if (f.required) throw new ParleyError(bad, `${where(i, j)}.${name} is required`);
    } else if (!typeOk(v, f.type)) {
      throw new ParleyError(bad, `${where(i, j)}.${name} must be a ${f.type}`);
    }
  }
}

export interface ValidatedBody {
  body: MsgBody;
  /** The body as JSON text, stored and sent as is. */
  encoded: string;
}

/**
 * Validates `raw` as a client-sendable MsgBody. `tooLarge` picks the size error's code
 * (93000 for C2C, 80002 for groups, as Tencent answers).
 */
export function validateMsgBody(raw: unknown, cloudCustomData: string | undefined, tooLarge: CodeInfo = Codes.MSG_TOO_LARGE): ValidatedBody {
  if (!Array.isArray(raw)) throw new ParleyError(Codes.MSG_BODY_NOT_ARRAY);
  if (raw.length === 0) throw new ParleyError(Codes.BAD_MSG_BODY, 'MsgBody is empty');
  let customs = 0;
  for (let i = 0; i < raw.length; i++) {
    const el: unknown = raw[i];
    if (typeof el !== 'object' || el === null || Array.isArray(el)) throw new ParleyError(Codes.BAD_MSG_BODY, `MsgBody[${i}] is not an object`);
    const { MsgType, MsgContent } = el as { MsgType?: unknown; MsgContent?: unknown };
    const fields = typeof MsgType === 'string' ? FIELDS.get(MsgType) : undefined;
    if (fields === undefined) {
      throw new ParleyError(Codes.BAD_MSG_BODY, `MsgBody[${i}].MsgType ${JSON.stringify(MsgType)} is not a sendable element type`);
    }
    if (typeof MsgContent !== 'object' || MsgContent === null || Array.isArray(MsgContent)) {
      throw new ParleyError(Codes.BAD_MSG_BODY, `${where(i)} is not an object`);
    }
    const content = MsgContent as Record<string, unknown>;
    checkFields(content, fields, i, -1, Codes.BAD_MSG_BODY);
    if (MsgType === 'TIMCustomElem' && ++customs > 1) throw new ParleyError(Codes.BAD_MSG_BODY, 'At most one TIMCustomElem per message');
    if (MsgType === 'TIMImageElem') {
      (content['ImageInfoArray'] as unknown[]).forEach((info, j) => {
        if (typeof info !== 'object' || info === null) throw new ParleyError(Codes.BAD_MSG_BODY, `${where(i, j)} is not an object`);
        checkFields(info as Record<string, unknown>, IMAGE_INFO, i, j, Codes.BAD_MSG_BODY);
      });
    }
  }
  const encoded = JSON.stringify(raw);
  const size = Buffer.byteLength(encoded) + (cloudCustomData ? Buffer.byteLength(cloudCustomData) : 0);
  if (size > MAX_MESSAGE_BYTES) throw new ParleyError(tooLarge, `The message is ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}`);
  return { body: raw as MsgBody, encoded };
}
