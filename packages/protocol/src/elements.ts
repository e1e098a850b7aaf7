/**
 * @module elements
 * Message elements exactly as Tencent's REST API and webhooks spell them (`MsgBody` items), so the
 * same JSON travels from REST to storage to clients without translation.
 */

export const ELEMENT_TYPES = [
  'TIMTextElem',
  'TIMCustomElem',
  'TIMFaceElem',
  'TIMLocationElem',
  'TIMImageElem',
  'TIMSoundElem',
  'TIMFileElem',
  'TIMVideoFileElem',
] as const;

/** Server-generated element types: clients may not send these. */
export const SERVER_ELEMENT_TYPES = ['TIMGroupTipElem', 'TIMGroupSystemNoticeElem'] as const;

export type ElementType = (typeof ELEMENT_TYPES)[number] | (typeof SERVER_ELEMENT_TYPES)[number];

export interface TextContent { Text: string }
export interface CustomContent { Data?: string; Desc?: string; Ext?: string; Sound?: string }
export interface FaceContent { Index: number; Data?: string }
export interface LocationContent { Desc?: string; Latitude: number; Longitude: number }
export interface ImageInfo { Type: 1 | 2 | 3; Size: number; Width: number; Height: number; URL: string }
export interface ImageContent { UUID: string; ImageFormat: number; ImageInfoArray: ImageInfo[] }
export interface SoundContent { Url?: string; UUID: string; Size: number; Second: number; Download_Flag?: number }
export interface FileContent { Url?: string; UUID?: string; FileSize: number; FileName: string; Download_Flag?: number }
export interface VideoContent {
  VideoUrl: string; VideoUUID?: string; VideoSize: number; VideoSecond: number; VideoFormat: string;
  VideoDownloadFlag?: number; ThumbUrl: string; ThumbUUID?: string; ThumbSize?: number; ThumbWidth?: number;
  ThumbHeight?: number; ThumbFormat?: string; ThumbDownloadFlag?: number;
}

export type MsgElement =
  | { MsgType: 'TIMTextElem'; MsgContent: TextContent }
  | { MsgType: 'TIMCustomElem'; MsgContent: CustomContent }
  | { MsgType: 'TIMFaceElem'; MsgContent: FaceContent }
  | { MsgType: 'TIMLocationElem'; MsgContent: LocationContent }
  | { MsgType: 'TIMImageElem'; MsgContent: ImageContent }
  | { MsgType: 'TIMSoundElem'; MsgContent: SoundContent }
  | { MsgType: 'TIMFileElem'; MsgContent: FileContent }
  | { MsgType: 'TIMVideoFileElem'; MsgContent: VideoContent }
  | { MsgType: 'TIMGroupTipElem'; MsgContent: Record<string, unknown> }
  | { MsgType: 'TIMGroupSystemNoticeElem'; MsgContent: Record<string, unknown> };

export type MsgBody = MsgElement[];

/** Largest encoded MsgBody (plus CloudCustomData) accepted, as Tencent's current limit. */
export const MAX_MESSAGE_BYTES = 12 * 1024;

export const PRIORITIES = ['High', 'Normal', 'Low', 'Lowest'] as const;
export type Priority = (typeof PRIORITIES)[number];
