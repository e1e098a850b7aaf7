/**
 * @module callbacks/before-send
 * C2C.CallbackBeforeSendMsg / Group.CallbackBeforeSendMsg (reference §7): ask the app's server,
 * synchronously in the send path, whether to deliver, refuse, drop or rewrite a message.
 *
 * Answer → decision:
 *   ErrorCode 0            allow; with MsgBody and/or CloudCustomData, deliver those instead
 *   ErrorCode 1            deny: 20006 (C2C) / 10016 (Group)
 *   ErrorCode 2            drop: the sender sees success, nobody receives it
 *   120001–130000 (C2C)    deny with that code and the answer's ErrorInfo
 *   10100–10200 (Group)    idem
 * Any other answer — timeout, network error, non-200, non-JSON, an unknown ErrorCode, a malformed
 * MsgBody — is a failure and follows the app's policy: deliver unchanged, or refuse with 80003.
 * Before-send webhooks are never retried (reference), so the call takes at most `timeoutMs`.
 */
import { Codes, ELEMENT_TYPES, MAX_MESSAGE_BYTES, type MsgBody } from '@parley/protocol';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { BeforeBodies } from './callback-bodies.ts';
import { CallbackClient } from './callback-client.ts';
import { enabledConfig, timeoutOf, type BeforeSendCommand, type CallbackApp, type CallbackOrigin } from './callback-config.ts';
import { callbackMetrics } from './callback-metrics.ts';
import { buildCallbackUrl } from './callback-signer.ts';

export type BeforeDecision =
  | { action: 'allow'; msgBody?: MsgBody; cloudCustomData?: string }
  | { action: 'deny'; code: number; message: string }
  | { action: 'drop' };

export interface CallbackDeps {
  /** Shared HTTP client; a process-wide default is used when omitted. */
  client?: CallbackClient;
  metrics?: Metrics;
  logger?: Logger;
}

const ALLOW: BeforeDecision = Object.freeze({ action: 'allow' });
const DROP: BeforeDecision = Object.freeze({ action: 'drop' });
// The common case (webhook off) returns this one settled promise: no allocation, no I/O.
const ALLOW_NOW: Promise<BeforeDecision> = Promise.resolve(ALLOW);

let defaultClient: CallbackClient | undefined;
/** The process-wide client used when a caller passes none. */
export function defaultCallbackClient(): CallbackClient {
  return (defaultClient ??= new CallbackClient());
}

export function runBeforeSend<C extends BeforeSendCommand>(
  app: CallbackApp,
  command: C,
  body: BeforeBodies[C],
  origin: CallbackOrigin = {},
  deps: CallbackDeps = {},
): Promise<BeforeDecision> {
  const cfg = enabledConfig(app, command);
  if (cfg === undefined) return ALLOW_NOW;
  return callBeforeSend(app, cfg, command, body, origin, deps);
}

async function callBeforeSend(
  app: CallbackApp,
  cfg: NonNullable<CallbackApp['callback']>,
  command: BeforeSendCommand,
  body: object,
  origin: CallbackOrigin,
  deps: CallbackDeps,
): Promise<BeforeDecision> {
  const m = deps.metrics ? callbackMetrics(deps.metrics) : undefined;
  const url = buildCallbackUrl(cfg.url, {
    sdkAppId: app.sdkAppId,
    command,
    clientIp: origin.clientIp,
    optPlatform: origin.optPlatform,
    token: cfg.token,
  });
  const started = performance.now();
  const json = JSON.stringify(Object.assign({ CallbackCommand: command }, body, { CallbackCommand: command }));
  const res = await (deps.client ?? defaultCallbackClient()).post(url, json, timeoutOf(cfg));
  m?.duration.observe({ command }, (performance.now() - started) / 1000);

  let why: string;
  if (res.ok) {
    const decision = interpretBeforeAnswer(command, res.body);
    if (typeof decision !== 'string') {
      const outcome = decision.action === 'allow' && (decision.msgBody || decision.cloudCustomData !== undefined) ? 'modify' : decision.action;
      m?.before.inc({ command, outcome });
      return decision;
    }
    why = decision;
  } else {
    why = `${res.reason}: ${res.detail}`;
  }
  const deliver = cfg.beforeSendFailurePolicy === 'deliver';
  m?.before.inc({ command, outcome: deliver ? 'failure_deliver' : 'failure_refuse' });
  deps.logger?.warn({ sdkAppId: app.sdkAppId, command, why, policy: cfg.beforeSendFailurePolicy }, 'before-send webhook failed');
  return deliver ? ALLOW : { action: 'deny', code: Codes.CALLBACK_FAILED.code, message: Codes.CALLBACK_FAILED.message };
}

/** Maps a 200+JSON answer to a decision, or returns why it is unusable (→ failure policy). */
export function interpretBeforeAnswer(command: BeforeSendCommand, answer: Record<string, unknown>): BeforeDecision | string {
  const code = toInt(answer['ErrorCode']);
  if (code === undefined) return 'ErrorCode missing or not an integer';
  const group = command === 'Group.CallbackBeforeSendMsg';
  switch (code) {
    case 0:
      return allowWithChanges(answer);
    case 1: {
      const info = group ? Codes.GROUP_CALLBACK_DENIED : Codes.C2C_CALLBACK_DENIED;
      return { action: 'deny', code: info.code, message: info.message };
    }
    case 2:
      return DROP;
  }
  const [lo, hi] = group ? [10100, 10200] : [120001, 130000];
  if (code >= lo && code <= hi) {
    const info = answer['ErrorInfo'];
    return { action: 'deny', code, message: typeof info === 'string' && info !== '' ? info : 'Denied by the app\'s webhook' };
  }
  return `ErrorCode ${code} is not a before-send answer`;
}

function allowWithChanges(answer: Record<string, unknown>): BeforeDecision | string {
  const rawBody = answer['MsgBody'];
  const rawData = answer['CloudCustomData'];
  const hasBody = rawBody !== undefined && rawBody !== null;
  const hasData = rawData !== undefined && rawData !== null;
  if (!hasBody && !hasData) return ALLOW;
  if (hasData && typeof rawData !== 'string') return 'CloudCustomData is not a string';
  let size = hasData ? Buffer.byteLength(rawData as string) : 0;
  if (hasBody) {
    const bad = checkMsgBody(rawBody);
    if (bad) return bad;
    size += Buffer.byteLength(JSON.stringify(rawBody));
  }
  if (size > MAX_MESSAGE_BYTES) return `modified message is over ${MAX_MESSAGE_BYTES} bytes`;
  const d: { action: 'allow'; msgBody?: MsgBody; cloudCustomData?: string } = { action: 'allow' };
  if (hasBody) d.msgBody = rawBody as MsgBody;
  if (hasData) d.cloudCustomData = rawData as string;
  return d;
}

const CLIENT_TYPES: ReadonlySet<string> = new Set(ELEMENT_TYPES);
const STRING_FIELDS: Record<string, readonly string[]> = {
  TIMTextElem: ['Text'],
  TIMCustomElem: ['Data', 'Desc', 'Ext', 'Sound'],
};
const REQUIRED_STRINGS: Record<string, readonly string[]> = { TIMTextElem: ['Text'] };

/** Shape check of a webhook-supplied MsgBody: a non-empty array of sendable elements. */
function checkMsgBody(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length === 0) return 'MsgBody is not a non-empty array';
  for (const el of v as unknown[]) {
    if (el === null || typeof el !== 'object') return 'MsgBody element is not an object';
    const { MsgType: type, MsgContent: content } = el as Record<string, unknown>;
    if (typeof type !== 'string' || !CLIENT_TYPES.has(type)) return `MsgBody element has bad MsgType ${JSON.stringify(type)}`;
    if (content === null || typeof content !== 'object' || Array.isArray(content)) return `${type} MsgContent is not an object`;
    const c = content as Record<string, unknown>;
    for (const f of REQUIRED_STRINGS[type] ?? []) if (typeof c[f] !== 'string') return `${type}.${f} is missing`;
    for (const f of STRING_FIELDS[type] ?? []) if (c[f] !== undefined && typeof c[f] !== 'string') return `${type}.${f} is not a string`;
  }
  return undefined;
}

/** ErrorCode as an integer; numeric strings are accepted (some receivers quote it). */
function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d{1,10}$/.test(v)) return Number(v);
  return undefined;
}
