/**
 * @module gateway/ops/message-ops
 * C2C messaging ops: sendMessage, sync, getMessageList, getConversationList, setMessageRead,
 * revokeMessage, deleteConversation, and profile reads/writes.
 */
import { Codes, parseConversationID, type DeleteConversationRequest, type GetMessageListRequest, type RevokeMessageRequest, type SendMessageRequest, type SetMessageReadRequest, type SyncRequest } from '@parley/protocol';
import { ParleyError, RawJson } from '../../errors.ts';
import { c2cConvId, type C2CSendInput } from '../../messaging/c2c-service.ts';
import { encodeWireMessage } from '../../messaging/wire-encoding.ts';
import type { LoggedInContext, OpRouter } from '../op-router.ts';
import { ajv } from './validator.ts';

const validateSend = ajv.compile<SendMessageRequest>({
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['C2C', 'GROUP'] },
    to: { type: 'string', minLength: 1, maxLength: 64 },
    body: { type: 'array', minItems: 1, maxItems: 64 },
    clientMsgId: { type: 'string', minLength: 1, maxLength: 64 },
    random: { type: 'integer', minimum: 0, maximum: 4294967295 },
    priority: { type: 'string', enum: ['High', 'Normal', 'Low', 'Lowest'] },
    cloudCustomData: { type: 'string', maxLength: 12288 },
    onlineOnly: { type: 'boolean' },
    nick: { type: 'string', maxLength: 64 },
    avatar: { type: 'string', maxLength: 512 },
  },
  required: ['type', 'to', 'body', 'clientMsgId'],
  // The sender is stamped by the server: a `from` (or anything unknown) is refused, not ignored.
  additionalProperties: false,
});

const validateSync = ajv.compile<SyncRequest>({
  type: 'object',
  properties: { cursor: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
  required: ['cursor'],
});

const conversationIDSchema = { type: 'string', minLength: 4, maxLength: 80 };

const validateHistory = ajv.compile<GetMessageListRequest>({
  type: 'object',
  properties: {
    conversationID: conversationIDSchema,
    nextReqMessageID: { type: 'string', maxLength: 50 },
    count: { type: 'integer', minimum: 1, maximum: 100 },
  },
  required: ['conversationID'],
});

const validateRead = ajv.compile<SetMessageReadRequest>({
  type: 'object',
  properties: { conversationID: conversationIDSchema, seq: { type: 'integer', minimum: 1 } },
  required: ['conversationID'],
});

const validateRevoke = ajv.compile<RevokeMessageRequest>({
  type: 'object',
  properties: { conversationID: conversationIDSchema, msgKey: { type: 'string', minLength: 1, maxLength: 50 } },
  required: ['conversationID', 'msgKey'],
});

const validateDelete = ajv.compile<DeleteConversationRequest>({
  type: 'object',
  properties: { conversationID: conversationIDSchema },
  required: ['conversationID'],
});

/** A C2C peer from a conversation ID; group conversations are served by the group ops. */
export function c2cPeer(conversationID: string): string {
  const c = parseConversationID(conversationID);
  if (!c || c.type !== 'C2C') throw new ParleyError(Codes.SDK_INVALID_PARAMETER, `Not a C2C conversation ID: ${conversationID.slice(0, 80)}`);
  return c.peer;
}

export type GroupOpsDelegate = {
  send?(ctx: LoggedInContext, req: SendMessageRequest): Promise<unknown>;
  history?(ctx: LoggedInContext, groupID: string, req: GetMessageListRequest): Promise<unknown>;
  setRead?(ctx: LoggedInContext, groupID: string, seq: number | undefined): Promise<unknown>;
  revoke?(ctx: LoggedInContext, groupID: string, msgKey: string): Promise<unknown>;
  /** The caller's group conversations as ConversationSummary JSON, with their last activity (Unix seconds). */
  conversations?(ctx: LoggedInContext): Promise<{ time: number; json: string }[]>;
  /** Hides the group conversation from the caller's list until its next message. */
  deleteConversation?(ctx: LoggedInContext, groupID: string): Promise<void>;
};

/** Group conversations are routed to the group module when it registers itself here. */
export const groupDelegate: GroupOpsDelegate = {};

function groupOf(conversationID: string): string | undefined {
  const c = parseConversationID(conversationID);
  return c?.type === 'GROUP' ? c.peer : undefined;
}

function noGroups(): never {
  throw new ParleyError(Codes.GROUP_NOT_FOUND, 'Group messaging is not available');
}

export function registerMessageOps(router: OpRouter): void {
  router.session('sendMessage', validateSend, async (ctx, req) => {
    if (req.type === 'GROUP') return groupDelegate.send ? groupDelegate.send(ctx, req) : noGroups();
    const { session, services } = ctx;
    // Built field by field: this runs for every message, and conditional spreads allocate.
    const input: C2CSendInput = {
      sdkAppId: session.app.sdkAppId,
      from: session.userID,
      to: req.to,
      body: req.body,
      dedupKey: `c:${req.clientMsgId}`,
      clientMsgId: req.clientMsgId,
      random: req.random ?? (Math.random() * 0xffffffff) >>> 0,
      onlineOnly: req.onlineOnly === true,
      senderSync: 'push',
      platform: session.platform,
    };
    if (req.priority !== undefined) input.priority = req.priority;
    if (req.cloudCustomData !== undefined) input.cloudCustomData = req.cloudCustomData;
    if (session.app.mode === 'guest') {
      // Guest-mode apps carry the sender's display identity in the message, as live-room apps do.
      const nick = req.nick ?? session.nick;
      if (nick !== undefined) input.nick = nick;
      if (req.avatar !== undefined) input.avatar = req.avatar;
    }
    const r = await services.c2c.send(input);
    return new RawJson(`{"message":${r.wire}}`);
  });

  router.session('sync', validateSync, (ctx, req) => {
    const { session, services } = ctx;
    const maxBytes = Math.min(512 * 1024, Math.floor(services.config.maxOutboundBytes / 4));
    return services.c2c.sync(session.app.sdkAppId, session.userID, req.cursor, req.limit ?? 200, services.config.maxSyncGap, maxBytes);
  });

  router.session('getMessageList', validateHistory, (ctx, req) => {
    const groupID = groupOf(req.conversationID);
    if (groupID !== undefined) return groupDelegate.history ? groupDelegate.history(ctx, groupID, req) : noGroups();
    const { session, services } = ctx;
    return services.c2c.history(session.app.sdkAppId, session.userID, c2cPeer(req.conversationID), req.nextReqMessageID, req.count ?? 15);
  });

  router.session('getConversationList', undefined, async (ctx) => {
    const { session, services } = ctx;
    const rows = await services.store.messages.conversations(session.app.sdkAppId, session.userID, 500);
    // Group system notices live in `sys:<user>` inboxes (groups/group-notices.ts), not in this list.
    const list = rows.filter((r) => !r.convId.startsWith('sys:')).map((r) => {
      const isGroup = r.convId.startsWith('group:');
      const peer = isGroup ? r.convId.slice(6) : r.convId.split(':').find((p, i) => i > 0 && p !== session.userID) ?? session.userID;
      const type = isGroup ? 'GROUP' : 'C2C';
      return { time: r.lastMessage.time, json: `{"conversationID":${JSON.stringify(type + peer)},"type":"${type}","peer":${JSON.stringify(peer)},"lastMessage":${encodeWireMessage(r.lastMessage, type)},"unreadCount":${r.unreadCount},"readSeq":${r.readSeq},"peerReadSeq":${r.peerReadSeq}}` };
    });
    if (groupDelegate.conversations) list.push(...(await groupDelegate.conversations(ctx)));
    list.sort((a, b) => b.time - a.time);
    return new RawJson(`{"conversationList":[${list.map((c) => c.json).join(',')}]}`);
  });

  router.session('setMessageRead', validateRead, async (ctx, req) => {
    const groupID = groupOf(req.conversationID);
    if (groupID !== undefined) return groupDelegate.setRead ? groupDelegate.setRead(ctx, groupID, req.seq) : noGroups();
    const { session, services } = ctx;
    const readSeq = await services.c2c.setRead(session.app.sdkAppId, session.userID, c2cPeer(req.conversationID), req.seq);
    return { readSeq };
  });

  router.session('revokeMessage', validateRevoke, async (ctx, req) => {
    const groupID = groupOf(req.conversationID);
    if (groupID !== undefined) return groupDelegate.revoke ? groupDelegate.revoke(ctx, groupID, req.msgKey) : noGroups();
    const { session, services } = ctx;
    await services.c2c.revoke(session.app.sdkAppId, session.userID, c2cPeer(req.conversationID), req.msgKey, {
      admin: false, windowSeconds: session.app.settings.recallWindowSeconds,
    });
    return {};
  });

  router.session('deleteConversation', validateDelete, async (ctx, req) => {
    const { session, services } = ctx;
    const groupID = groupOf(req.conversationID);
    // Group conversations are listed from membership, so the group module hides them per member.
    if (groupID !== undefined) {
      if (groupDelegate.deleteConversation) await groupDelegate.deleteConversation(ctx, groupID);
      return {};
    }
    await services.store.messages.deleteConversation(session.app.sdkAppId, session.userID, c2cConvId(session.userID, c2cPeer(req.conversationID)));
    return {};
  });
}
