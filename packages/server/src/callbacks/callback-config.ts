/**
 * @module callbacks/callback-config
 * Per-app webhook settings (Tencent's console "Webhook Configuration", reference §7): one URL,
 * an optional signing token, which commands are switched on, and the failure policies.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';

export const BEFORE_SEND_COMMANDS = ['C2C.CallbackBeforeSendMsg', 'Group.CallbackBeforeSendMsg'] as const;
export type BeforeSendCommand = (typeof BEFORE_SEND_COMMANDS)[number];

export const AFTER_COMMANDS = [
  'C2C.CallbackAfterSendMsg',
  'Group.CallbackAfterSendMsg',
  'Group.CallbackAfterCreateGroup',
  'Group.CallbackAfterNewMemberJoin',
  'Group.CallbackAfterMemberExit',
  'Group.CallbackAfterGroupDestroyed',
  'State.StateChange',
] as const;
export type AfterCommand = (typeof AFTER_COMMANDS)[number];

export type CallbackCommand = BeforeSendCommand | AfterCommand;
export const CALLBACK_COMMANDS: readonly CallbackCommand[] = [...BEFORE_SEND_COMMANDS, ...AFTER_COMMANDS];

/** Tencent's documented default and advice: 2 s. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 2000;

export interface CallbackConfig {
  /** http:// or https:// URL; Parley appends its query parameters to any already present. */
  url: string;
  /** When set, requests carry `Sign = sha256hex(token + RequestTime)` and `RequestTime`. */
  token?: string;
  /** Commands switched on; anything else is never sent. */
  enabled: ReadonlySet<string> | readonly string[];
  /** What a failed before-send webhook (timeout, non-200, bad JSON) means. Tencent default: deliver. */
  beforeSendFailurePolicy: 'deliver' | 'refuse';
  /** Retry after-event webhooks that time out (Tencent: off by default). */
  afterRetry: boolean;
  /** Per-request deadline, connect to last body byte. Default 2000. */
  timeoutMs?: number;
}

/** The slice of an app the webhook code needs; `callback` undefined = no webhooks. */
export interface CallbackApp {
  readonly sdkAppId: number;
  readonly callback?: CallbackConfig | undefined;
}

/** Where the triggering request came from; fills `ClientIP` and `OptPlatform`. */
export interface CallbackOrigin {
  clientIp?: string;
  /** RESTAPI, Web, Android, iOS, Windows, macOS, iPad or Unknown (State.StateChange spells iOS "IOS"). */
  optPlatform?: string;
}

/** The app's config when `command` is switched on, else undefined. No allocation. */
export function enabledConfig(app: CallbackApp, command: string): CallbackConfig | undefined {
  const cfg = app.callback;
  if (cfg === undefined) return undefined;
  const on = cfg.enabled;
  const hit = on instanceof Set ? on.has(command) : (on as readonly string[]).includes(command);
  return hit ? cfg : undefined;
}

export function timeoutOf(cfg: CallbackConfig): number {
  return cfg.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
}

/**
 * Checks settings coming from an admin API or config file; throws ParleyError INVALID_PARAMETER.
 * Unknown command names are refused so a typo does not silently disable a webhook.
 */
export function validateCallbackConfig(cfg: CallbackConfig): void {
  const bad = (why: string): never => {
    throw new ParleyError(Codes.INVALID_PARAMETER, `callback config: ${why}`);
  };
  let url: URL;
  try {
    url = new URL(cfg.url);
  } catch {
    return bad('url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') bad('url must be http:// or https://');
  if (cfg.token !== undefined && (typeof cfg.token !== 'string' || cfg.token.length === 0)) bad('token must be a non-empty string');
  for (const c of cfg.enabled) {
    if (!(CALLBACK_COMMANDS as readonly string[]).includes(c)) bad(`unknown command ${JSON.stringify(c)}`);
  }
  if (cfg.beforeSendFailurePolicy !== 'deliver' && cfg.beforeSendFailurePolicy !== 'refuse') bad('beforeSendFailurePolicy must be deliver or refuse');
  if (typeof cfg.afterRetry !== 'boolean') bad('afterRetry must be a boolean');
  const t = cfg.timeoutMs;
  if (t !== undefined && (!Number.isInteger(t) || t < 100 || t > 30_000)) bad('timeoutMs must be an integer from 100 to 30000');
}
