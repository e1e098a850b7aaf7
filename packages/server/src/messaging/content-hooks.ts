/**
 * @module messaging/content-hooks
 * The MessageHooks (C2C) and GroupMessageHooks (groups) Parley runs in production: the checks and
 * webhooks that sit between "the message is valid" and "the message is stored", in this order:
 *
 *   1. global mute (`openconfigsvr/setnospeaking`): 20012 for C2C, 10017 for groups;
 *   2. the app's sensitive words (`openim_dirty_words`): 80001; the C2C after-send webhook still
 *      fires with SendMsgResult 80001 and UnreadMsgNum -1, as Tencent's does;
 *   3. the before-send webhook (C2C./Group.CallbackBeforeSendMsg): allow, deny (the code travels back
 *      to the sender), drop (the sender sees success, nobody receives it) or modify (the new body is
 *      checked for sensitive words again, then delivered, and the after-send webhook sees it).
 *
 * After a message is stored (or delivered, for live rooms) it counts towards the daily figures and
 * the after-send webhook is queued; nothing here blocks or fails the send. The same object also
 * carries the other after-event webhooks (State.StateChange from the gateway, the group lifecycle
 * commands from the group module) — see `ParleyEvents`.
 */
import { Codes, formatMsgKey, type GroupType, type MsgBody } from '@parley/protocol';
import type { Bus } from '../bus/bus.ts';
import { AfterEventDispatcher } from '../callbacks/after-events.ts';
import { CallbackClient } from '../callbacks/callback-client.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../store/store.ts';
import { runBeforeSend, type BeforeDecision, type CallbackDeps } from '../callbacks/before-send.ts';
import { enabledConfig, type CallbackApp } from '../callbacks/callback-config.ts';
import { ParleyError } from '../errors.ts';
import type { BeforeGroupSendInput, GroupMessageHooks } from '../groups/group-hooks.ts';
import { DirtyWordFilter } from '../moderation/dirty-words.ts';
import type { Logger } from '../observability/logger.ts';
import type { AppRecord } from '../store/app-store.ts';
import type { GroupRecord } from '../store/group-store.ts';
import type { MessageStore, StoredMessage } from '../store/message-store.ts';
import { DailyStats } from './daily-stats.ts';
import { GlobalMute } from './global-mute.ts';
import type { BeforeSendInput, HookDecision, MessageHooks } from './message-hooks.ts';

export interface ContentHooksDeps {
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
  peekApp?(sdkAppId: number): AppRecord | undefined;
  messages: MessageStore;
  filter: DirtyWordFilter;
  mutes: GlobalMute;
  stats: DailyStats;
  dispatcher: AfterEventDispatcher;
  callbacks: CallbackDeps;
  logger: Logger;
  /** Unix ms. */
  now: () => number;
}

/** Login-state changes, reported by the gateway (State.StateChange). */
export type StateAction = 'Login' | 'Logout' | 'Disconnect';
export type StateReason = 'Register' | 'Unregister' | 'LinkClose' | 'TimeOut';

/** Events outside the send path that feed webhooks and daily figures. Every method is fire-and-forget. */
export interface ParleyEvents {
  stateChange(sdkAppId: number, userID: string, action: StateAction, reason: StateReason, platform: string, kickedPlatforms?: string[], clientIp?: string): void;
}

const ended = new WeakSet<object>();
/**
 * Records that a connection's session has ended (logout, then close); true the first time only, so
 * a logout followed by its close reports one Logout and no Disconnect.
 */
export function markLoggedOut(conn: object): boolean {
  if (ended.has(conn)) return false;
  ended.add(conn);
  return true;
}

const ALLOW: HookDecision = Object.freeze({ action: 'allow' }) as HookDecision;

/** The callback view of an app: its webhook settings, if any. */
export function callbackApp(app: AppRecord | undefined, sdkAppId: number): CallbackApp {
  return { sdkAppId, callback: app?.settings.callback };
}

/** State.StateChange spells iOS "IOS" (reference §7). */
function statePlatform(p: string): string {
  return p === 'iOS' ? 'IOS' : p;
}

export class ContentHooks implements MessageHooks, GroupMessageHooks, ParleyEvents {
  constructor(private readonly d: ContentHooksDeps) {}

  private nowSeconds(): number {
    return Math.floor(this.d.now() / 1000);
  }

  // --- C2C ---

  async beforeC2C(input: BeforeSendInput): Promise<HookDecision> {
    const { sdkAppId, from } = input;
    // Cached answers are read synchronously: an await per check costs on every message.
    const muted = this.d.mutes.peek(sdkAppId, from, 'c2c') ?? (await this.d.mutes.isMuted(sdkAppId, from, 'c2c'));
    if (muted) throw new ParleyError(Codes.SENDER_MUTED, muted === 0xffffffff ? 'The sender is muted' : `The sender is muted until ${muted}`);
    const app = this.d.peekApp?.(sdkAppId) ?? (await this.d.getApp(sdkAppId));
    const cb = callbackApp(app, sdkAppId);
    if (!this.d.filter.isLoaded(sdkAppId)) await this.d.filter.load(sdkAppId);
    const hit = this.d.filter.check(sdkAppId, input.body);
    if (!hit.ok) {
      this.#afterC2CRefused(cb, input, Codes.DIRTY_WORD.code, Codes.DIRTY_WORD.message);
      throw new ParleyError(Codes.DIRTY_WORD);
    }
    if (input.beforeCallback === false || cb.callback === undefined) return ALLOW;
    const decision = await runBeforeSend(cb, 'C2C.CallbackBeforeSendMsg', {
      From_Account: from, To_Account: input.to, MsgSeq: 0, MsgRandom: input.random, MsgTime: input.time,
      MsgKey: formatMsgKey(0, input.random, input.time), OnlineOnlyFlag: input.onlineOnly ? 1 : 0, MsgBody: input.body,
      ...(input.cloudCustomData !== undefined && { CloudCustomData: input.cloudCustomData }),
    }, { optPlatform: input.platform ?? 'Unknown' }, this.d.callbacks);
    return this.#apply(sdkAppId, decision);
  }

  afterC2C(message: StoredMessage, body: MsgBody, platform: string): void {
    const { sdkAppId } = message;
    this.d.stats.message(sdkAppId, 'c2c', message.from);
    void this.#afterC2CSent(message, body, platform).catch((err: unknown) => {
      this.d.logger.warn({ err, sdkAppId }, 'C2C after-send webhook not queued');
    });
  }

  async #afterC2CSent(m: StoredMessage, body: MsgBody, platform: string): Promise<void> {
    const cb = callbackApp(this.d.peekApp?.(m.sdkAppId) ?? (await this.d.getApp(m.sdkAppId)), m.sdkAppId);
    if (enabledConfig(cb, 'C2C.CallbackAfterSendMsg') === undefined) return;
    const online = m.seq === 0;
    const unread = online ? 0 : await this.d.messages.unreadCount(m.sdkAppId, m.to, m.convId).catch(() => 0);
    this.d.dispatcher.emit(cb, 'C2C.CallbackAfterSendMsg', {
      From_Account: m.from, To_Account: m.to, MsgSeq: m.seq, MsgRandom: m.random, MsgTime: m.time,
      MsgKey: formatMsgKey(m.seq, m.random, m.time), OnlineOnlyFlag: online ? 1 : 0, MsgBody: body,
      ...(m.cloudCustomData !== undefined && { CloudCustomData: m.cloudCustomData }),
      SendMsgResult: 0, ErrorInfo: 'send msg succeed', UnreadMsgNum: unread,
    }, { optPlatform: platform });
  }

  #afterC2CRefused(cb: CallbackApp, input: BeforeSendInput, code: number, info: string): void {
    this.d.dispatcher.emit(cb, 'C2C.CallbackAfterSendMsg', {
      From_Account: input.from, To_Account: input.to, MsgSeq: 0, MsgRandom: input.random, MsgTime: input.time,
      MsgKey: formatMsgKey(0, input.random, input.time), OnlineOnlyFlag: input.onlineOnly ? 1 : 0, MsgBody: input.body,
      ...(input.cloudCustomData !== undefined && { CloudCustomData: input.cloudCustomData }),
      SendMsgResult: code, ErrorInfo: info, UnreadMsgNum: -1,
    }, { optPlatform: input.platform ?? 'Unknown' });
  }

  // --- Groups ---

  async beforeGroup(input: BeforeGroupSendInput): Promise<HookDecision> {
    const { sdkAppId, from } = input;
    const muted = await this.d.mutes.isMuted(sdkAppId, from, 'group');
    if (muted) throw new ParleyError(Codes.GROUP_MUTED, 'The sender is muted for group messages (global mute)');
    await this.d.filter.load(sdkAppId);
    if (!this.d.filter.check(sdkAppId, input.body).ok) throw new ParleyError(Codes.DIRTY_WORD);
    const app = await this.d.getApp(sdkAppId);
    const cb = callbackApp(app, sdkAppId);
    if (input.beforeCallback === false || cb.callback === undefined) return ALLOW;
    const decision = await runBeforeSend(cb, 'Group.CallbackBeforeSendMsg', {
      GroupId: input.groupId, Type: input.groupType, From_Account: from,
      Operator_Account: input.platform === 'RESTAPI' ? (app?.admins[0] ?? from) : from,
      Random: input.random, OnlineOnlyFlag: input.onlineOnly ? 1 : 0, MsgBody: input.body,
      ...(input.cloudCustomData !== undefined && { CloudCustomData: input.cloudCustomData }),
      EventTime: String(this.d.now()),
    }, { optPlatform: input.platform ?? 'Unknown' }, this.d.callbacks);
    return this.#apply(sdkAppId, decision);
  }

  afterGroup(message: StoredMessage, body: MsgBody, groupType: GroupType, platform: string): void {
    const { sdkAppId } = message;
    this.d.stats.message(sdkAppId, 'group', message.from, message.to);
    void this.d.getApp(sdkAppId).then((app) => {
      this.d.dispatcher.emit(callbackApp(app, sdkAppId), 'Group.CallbackAfterSendMsg', {
        GroupId: message.to, Type: groupType, From_Account: message.from, Operator_Account: message.from,
        Random: message.random, OnlineOnlyFlag: message.seq === 0 ? 1 : 0, MsgBody: body,
        ...(message.cloudCustomData !== undefined && { CloudCustomData: message.cloudCustomData }),
        EventTime: String(this.d.now()), MsgSeq: message.seq, MsgTime: message.time,
      }, { optPlatform: platform });
    }).catch((err: unknown) => this.d.logger.warn({ err, sdkAppId }, 'Group after-send webhook not queued'));
  }

  afterCreate(group: GroupRecord, operator: string, members: readonly string[], platform: string): void {
    this.d.stats.count(group.sdkAppId, 'GroupNewGroupNum');
    this.#emit(group.sdkAppId, platform, (cb) => this.d.dispatcher.emit(cb, 'Group.CallbackAfterCreateGroup', {
      GroupId: group.groupId, Type: group.type, Name: group.name, Operator_Account: operator, Owner_Account: group.owner,
      MemberList: members.map((Member_Account) => ({ Member_Account })),
      UserDefinedDataList: Object.entries(group.appDefinedData ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) })),
      EventTime: this.d.now(),
    }, { optPlatform: platform }));
  }

  afterJoin(group: GroupRecord, joinType: 'Apply' | 'Invited', operator: string, userIDs: readonly string[], platform: string): void {
    if (userIDs.length === 0) return;
    this.d.stats.count(group.sdkAppId, 'GroupJoinGroupTimes', userIDs.length);
    this.#emit(group.sdkAppId, platform, (cb) => this.d.dispatcher.emit(cb, 'Group.CallbackAfterNewMemberJoin', {
      GroupId: group.groupId, Type: group.type, JoinType: joinType, Operator_Account: operator,
      NewMemberList: userIDs.map((Member_Account) => ({ Member_Account })), EventTime: this.d.now(),
    }, { optPlatform: platform }));
  }

  afterExit(group: GroupRecord, exitType: 'Kicked' | 'Quit', operator: string, userIDs: readonly string[], platform: string): void {
    if (userIDs.length === 0) return;
    this.d.stats.count(group.sdkAppId, 'GroupQuitGroupTimes', userIDs.length);
    this.#emit(group.sdkAppId, platform, (cb) => this.d.dispatcher.emit(cb, 'Group.CallbackAfterMemberExit', {
      GroupId: group.groupId, Type: group.type, ExitType: exitType, Operator_Account: operator,
      ExitMemberList: userIDs.map((Member_Account) => ({ Member_Account })), EventTime: this.d.now(),
    }, { optPlatform: platform }));
  }

  afterDestroy(group: GroupRecord, members: readonly string[], platform: string): void {
    this.d.stats.count(group.sdkAppId, 'GroupDestroyGroupNum');
    this.#emit(group.sdkAppId, platform, (cb) => this.d.dispatcher.emit(cb, 'Group.CallbackAfterGroupDestroyed', {
      GroupId: group.groupId, Type: group.type, Owner_Account: group.owner, Name: group.name,
      MemberList: members.map((Member_Account) => ({ Member_Account })), EventTime: this.d.now(),
    }, { optPlatform: platform }));
  }

  // --- Gateway ---

  stateChange(sdkAppId: number, userID: string, action: StateAction, reason: StateReason, platform: string, kickedPlatforms: string[] = [], clientIp?: string): void {
    if (action === 'Login') this.d.stats.login(sdkAppId, userID);
    this.#emit(sdkAppId, platform, (cb) => this.d.dispatcher.emit(cb, 'State.StateChange', {
      EventTime: this.d.now(),
      Info: { Action: action, To_Account: userID, Reason: reason },
      ...(kickedPlatforms.length > 0 && { KickedDevice: kickedPlatforms.map((p) => ({ Platform: statePlatform(p) })) }),
    }, { optPlatform: statePlatform(platform), ...(clientIp !== undefined && { clientIp }) }));
  }

  #emit(sdkAppId: number, platform: string, send: (cb: CallbackApp) => void): void {
    void this.d.getApp(sdkAppId).then((app) => {
      if (app?.settings.callback) send(callbackApp(app, sdkAppId));
    }).catch((err: unknown) => this.d.logger.warn({ err, sdkAppId, platform }, 'after-event webhook not queued'));
  }

  /** Maps a before-send decision onto the send path's; a modified body is filtered again. */
  #apply(sdkAppId: number, decision: BeforeDecision): HookDecision {
    if (decision.action === 'deny') throw new ParleyError(decision.code, decision.message);
    if (decision.action === 'drop') return { action: 'drop' };
    if (decision.msgBody && !this.d.filter.check(sdkAppId, decision.msgBody).ok) throw new ParleyError(Codes.DIRTY_WORD);
    if (decision.msgBody === undefined && decision.cloudCustomData === undefined) return ALLOW;
    return {
      action: 'allow',
      ...(decision.msgBody !== undefined && { body: decision.msgBody }),
      ...(decision.cloudCustomData !== undefined && { cloudCustomData: decision.cloudCustomData }),
    };
  }
}

/** What the operations REST commands (dirty words, mutes, app info) share with the send path. */
export interface ContentServices {
  filter: DirtyWordFilter;
  mutes: GlobalMute;
  stats: DailyStats;
  hooks: ContentHooks;
  /** Tells every node (this one included) that an app's words or an account's mute changed. */
  changed(change: { dirtyWords: number } | { mute: { sdkAppId: number; userID: string } }): void;
  close(): Promise<void>;
}

export interface ContentServicesDeps {
  store: Store;
  bus: Bus;
  getApp(sdkAppId: number): Promise<AppRecord | undefined>;
  /** The app if cached (no I/O); optional fast path for getApp. */
  peekApp?(sdkAppId: number): AppRecord | undefined;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  /** Webhook HTTP client (tests may pass one with their own limits). */
  client?: CallbackClient;
  afterQueueLimit?: number;
}

const CHANNEL = 'parley:content';

/** Builds the content services a node runs: filter, mutes, figures, webhooks, hooks. */
export function createContentServices(deps: ContentServicesDeps): ContentServices {
  const { store, logger, metrics, now } = deps;
  const client = deps.client ?? new CallbackClient();
  const filter = new DirtyWordFilter(store.dirtyWords, { logger });
  const mutes = new GlobalMute(store.noSpeaking, now);
  const stats = new DailyStats(store.stats, now, logger);
  const dispatcher = new AfterEventDispatcher({ client, metrics, logger, ...(deps.afterQueueLimit !== undefined && { queueLimit: deps.afterQueueLimit }) });
  const hooks = new ContentHooks({
    getApp: deps.getApp, ...(deps.peekApp && { peekApp: deps.peekApp }), messages: store.messages, filter, mutes, stats, dispatcher, callbacks: { client, metrics, logger }, logger, now,
  });
  // Other nodes' changes: reload the app's words / forget the cached mute.
  void deps.bus.subscribe(CHANNEL, (payload) => {
    const [kind, app, user] = payload.split('|');
    if (kind === 'dw') void filter.refresh(Number(app)).catch((err: unknown) => logger.warn({ err }, 'reloading sensitive words failed'));
    else if (kind === 'mute' && user !== undefined) mutes.forget(Number(app), user);
  }).catch((err: unknown) => logger.warn({ err }, 'content change channel unavailable'));
  return {
    filter, mutes, stats, hooks,
    changed(change) {
      const payload = 'dirtyWords' in change ? `dw|${change.dirtyWords}` : `mute|${change.mute.sdkAppId}|${change.mute.userID}`;
      deps.bus.publish(CHANNEL, payload).catch((err: unknown) => logger.warn({ err }, 'publishing a content change failed'));
    },
    async close() {
      await stats.close();
      await dispatcher.close(2_000);
      if (deps.client === undefined) client.close();
    },
  };
}
