/**
 * @module messaging/c2c-service
 * One-to-one messaging: send (validated, stamped, durable before ack, idempotent), delivery to
 * every session of both users, recall, read cursors, history, conversation list and inbox sync.
 * Used by the WebSocket ops and the REST `openim` commands alike.
 */
import { Codes, formatMsgKey, isValidUserID, parseMsgKey, type Priority, PRIORITIES } from '@parley/protocol';
import { ParleyError, RawJson } from '../errors.ts';
import type { AccountDirectory } from '../core/account-directory.ts';
import type { SessionRegistry } from '../core/session-registry.ts';
import type { MessageStore, NewMessage, StoredMessage } from '../store/message-store.ts';
import type { GroupCommitter } from './group-commit.ts';
import { validateMsgBody } from './message-validation.ts';
import { encodeInboxRow, encodeWireMessage, inboxMessageEvent, inboxPush } from './wire-encoding.ts';
import type { BeforeSendInput, MessageHooks } from './message-hooks.ts';

export function c2cConvId(a: string, b: string): string {
  return a < b ? `c2c:${a}:${b}` : `c2c:${b}:${a}`;
}

export interface C2CSendInput {
  sdkAppId: number;
  from: string;
  to: string;
  body: unknown;
  /** Idempotency key: the client message id, or `r:<random>` for REST sends. */
  dedupKey: string;
  clientMsgId?: string;
  random: number;
  priority?: Priority;
  cloudCustomData?: string;
  nick?: string;
  avatar?: string;
  onlineOnly?: boolean;
  /** 'push': sender's sessions get it live and on sync; 'store': on sync only; 'none': not at all. */
  senderSync: 'push' | 'store' | 'none';
  /** Hooks run before storing (sensitive words, before-send callbacks); skipped when false. */
  runHooks?: boolean;
  /** False skips only the before-send webhook (the sensitive-word filter and mutes still apply). */
  beforeCallback?: boolean;
  platform?: string;
}

export interface C2CSendResult {
  /** WireMessage JSON text. */
  wire: string;
  message: StoredMessage;
  duplicate: boolean;
  /** True when a before-send callback dropped it silently (the sender sees success). */
  dropped?: boolean;
}

export class C2CService {
  constructor(
    private readonly store: MessageStore,
    private readonly committer: GroupCommitter,
    private readonly sessions: SessionRegistry,
    private readonly directory: AccountDirectory,
    private readonly hooks: MessageHooks,
    private readonly now: () => number = Date.now,
  ) {}

  async send(input: C2CSendInput): Promise<C2CSendResult> {
    if (!isValidUserID(input.to)) throw new ParleyError(Codes.RECEIVER_NOT_FOUND, 'The receiver UserID is invalid');
    const priority = input.priority ?? 'Normal';
    if (!PRIORITIES.includes(priority)) throw new ParleyError(Codes.SDK_INVALID_PARAMETER, 'Unknown priority');
    let { body, encoded } = validateMsgBody(input.body, input.cloudCustomData);
    let cloudCustomData = input.cloudCustomData;
    if (!this.directory.known(input.sdkAppId, input.to) && !(await this.directory.exists(input.sdkAppId, input.to))) {
      throw new ParleyError(Codes.RECEIVER_NOT_FOUND, `The receiver ${input.to} does not exist`);
    }
    const time = Math.floor(this.now() / 1000);
    if (input.runHooks !== false) {
      const before: BeforeSendInput = { sdkAppId: input.sdkAppId, from: input.from, to: input.to, body, random: input.random, time };
      if (cloudCustomData !== undefined) before.cloudCustomData = cloudCustomData;
      if (input.onlineOnly) before.onlineOnly = true;
      if (input.platform !== undefined) before.platform = input.platform;
      if (input.beforeCallback === false) before.beforeCallback = false;
      const decision = await this.hooks.beforeC2C(before);
      if (decision.action === 'drop') {
        const message = this.#transient(input, encoded, priority, time, cloudCustomData);
        return { wire: encodeWireMessage(message, 'C2C', input.onlineOnly), message, duplicate: false, dropped: true };
      }
      if (decision.body) ({ body, encoded } = validateMsgBody(decision.body, decision.cloudCustomData ?? cloudCustomData));
      if (decision.cloudCustomData !== undefined) cloudCustomData = decision.cloudCustomData;
    }

    if (input.onlineOnly) {
      const message = this.#transient(input, encoded, priority, time, cloudCustomData);
      const wire = encodeWireMessage(message, 'C2C', true);
      const frame = `{"push":"message","data":${wire}}`;
      this.sessions.deliver(input.sdkAppId, input.to, frame);
      if (input.senderSync === 'push' && input.from !== input.to) this.sessions.deliver(input.sdkAppId, input.from, frame);
      return { wire, message, duplicate: false };
    }

    const inboxUsers = input.from === input.to || input.senderSync === 'none' ? [input.to] : [input.to, input.from];
    const message: NewMessage = {
      sdkAppId: input.sdkAppId,
      convId: c2cConvId(input.from, input.to),
      from: input.from,
      to: input.to,
      random: input.random,
      dedupKey: input.dedupKey,
      time,
      body: encoded,
      priority,
      inboxUsers,
    };
    if (cloudCustomData !== undefined) message.cloudCustomData = cloudCustomData;
    if (input.nick !== undefined) message.nick = input.nick;
    if (input.avatar !== undefined) message.avatar = input.avatar;
    if (input.clientMsgId !== undefined) message.clientMsgId = input.clientMsgId;
    const result = await this.committer.append(message);
    const wire = encodeWireMessage(result.message, 'C2C');
    if (!result.duplicate) {
      for (let i = 0; i < inboxUsers.length; i++) {
        const user = inboxUsers[i]!;
        if (user === input.from && user !== input.to && input.senderSync !== 'push') continue;
        this.sessions.deliver(input.sdkAppId, user, inboxPush(inboxMessageEvent(result.inboxSeqs[i]!, wire)));
      }
      if (input.runHooks !== false) this.hooks.afterC2C(result.message, body, input.platform ?? 'Unknown');
    }
    return { wire, message: result.message, duplicate: result.duplicate };
  }

  /**
   * Recalls a message. `by` must be its sender within `windowSeconds`, unless `admin` (REST), which
   * has no window.
   */
  async revoke(sdkAppId: number, by: string, peer: string, msgKey: string, opts: { admin: boolean; windowSeconds: number; owner?: string }): Promise<void> {
    const key = parseMsgKey(msgKey);
    if (!key) throw new ParleyError(Codes.BAD_MSG_KEY);
    const owner = opts.owner ?? by;
    const convId = c2cConvId(owner, peer);
    const m = await this.store.getMessage(sdkAppId, convId, key.seq);
    if (!m || m.random !== key.random || m.time !== key.time) throw new ParleyError(Codes.RECALL_MSG_NOT_FOUND);
    if (!opts.admin) {
      if (m.from !== by) throw new ParleyError(Codes.RECALL_MSG_NOT_FOUND, 'Only the sender may recall its message');
      if (Math.floor(this.now() / 1000) - m.time > opts.windowSeconds) throw new ParleyError(Codes.RECALL_TIME_LIMIT);
    }
    const users = m.from === m.to ? [m.from] : [m.from, m.to];
    const r = await this.store.revoke(sdkAppId, convId, key.seq, by, users);
    if (r === 'missing') throw new ParleyError(Codes.RECALL_MSG_NOT_FOUND);
    if (r === 'already') throw new ParleyError(Codes.RECALL_ALREADY);
    users.forEach((u, i) => {
      const event = encodeInboxRow({ inbox: r[i]!, kind: 'revoke', convId, seq: m.seq, from: m.from, to: m.to, random: m.random, time: m.time, by });
      this.sessions.deliver(sdkAppId, u, inboxPush(event));
    });
  }

  /** Moves `reader`'s read cursor with `peer` to `seq` (default: the newest message) and tells both sides. */
  async setRead(sdkAppId: number, reader: string, peer: string, seq?: number): Promise<number> {
    const convId = c2cConvId(reader, peer);
    let upTo = seq;
    if (upTo === undefined) upTo = (await this.store.history(sdkAppId, convId, undefined, 1))[0]?.seq ?? 0;
    if (upTo <= 0) return 0;
    const notify = reader === peer ? [reader] : [peer, reader];
    const time = Math.floor(this.now() / 1000);
    const r = await this.store.setRead(sdkAppId, reader, convId, upTo, notify, time);
    notify.forEach((u, i) => {
      const inbox = r.inboxSeqs[i];
      if (inbox === undefined) return;
      this.sessions.deliver(sdkAppId, u, inboxPush(encodeInboxRow({ inbox, kind: 'read', convId, reader, readSeq: r.readSeq, time })));
    });
    return r.readSeq;
  }

  /** A page of history, oldest first, before `nextReqMessageID` (a msgKey) or from the newest. */
  async history(sdkAppId: number, user: string, peer: string, nextReqMessageID: string | undefined, count: number): Promise<RawJson> {
    let before: number | undefined;
    if (nextReqMessageID) {
      const key = parseMsgKey(nextReqMessageID);
      if (!key) throw new ParleyError(Codes.SDK_INVALID_PARAMETER, 'nextReqMessageID is not a message key');
      before = key.seq;
    }
    const rows = await this.store.history(sdkAppId, c2cConvId(user, peer), before, count + 1);
    const isCompleted = rows.length <= count;
    const page = rows.slice(0, count).reverse();
    const oldest = page[0];
    const next = oldest ? formatMsgKey(oldest.seq, oldest.random, oldest.time) : '';
    return new RawJson(`{"messageList":[${page.map((m) => encodeWireMessage(m, 'C2C')).join(',')}],"nextReqMessageID":"${next}","isCompleted":${isCompleted}}`);
  }

  /**
   * Inbox events after `cursor`, at most `limit` and about `maxBytes` (a page never outgrows the
   * connection's outbound budget); a client too far behind is told to page history instead.
   */
  async sync(sdkAppId: number, user: string, cursor: number, limit: number, maxGap: number, maxBytes: number): Promise<RawJson> {
    const last = await this.store.lastInboxSeq(sdkAppId, user);
    if (cursor > last) return new RawJson(`{"events":[],"cursor":${last},"isCompleted":true}`);
    if (last - cursor > maxGap) {
      throw new ParleyError(Codes.SYNC_TOO_FAR_BEHIND, undefined, { data: { inboxSeq: last } });
    }
    const rows = await this.store.readInbox(sdkAppId, user, cursor, limit);
    const events: string[] = [];
    let next = cursor;
    let bytes = 0;
    for (const row of rows) {
      const e = encodeInboxRow(row);
      if (events.length > 0 && bytes + e.length > maxBytes) break;
      events.push(e);
      bytes += e.length;
      next = row.inbox;
    }
    return new RawJson(`{"events":[${events.join(',')}],"cursor":${next},"isCompleted":${next >= last}}`);
  }

  #transient(input: C2CSendInput, encoded: string, priority: string, time: number, cloudCustomData: string | undefined): StoredMessage {
    return {
      sdkAppId: input.sdkAppId, convId: c2cConvId(input.from, input.to), seq: 0, from: input.from, to: input.to,
      random: input.random, time, body: encoded, priority, revoked: false,
      ...(cloudCustomData !== undefined && { cloudCustomData }),
      ...(input.nick !== undefined && { nick: input.nick }),
      ...(input.avatar !== undefined && { avatar: input.avatar }),
      ...(input.clientMsgId !== undefined && { clientMsgId: input.clientMsgId }),
    };
  }
}
