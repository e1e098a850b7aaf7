/**
 * @module groups/group-notices
 * Group system notices (`TIMGroupSystemNoticeElem`, Web SDK `MSG_GRP_SYS_NOTICE`) go to the users
 * they concern, not to the group. Choice (docs/groups.md): each notice is a message from
 * `@TIM#SYSTEM` to the user, stored in the user's inbox (convId `sys:<userID>`, inboxUsers
 * [user]) — so it is pushed live as an `inbox` event and replayed by `sync` after a reconnect,
 * exactly like a C2C message. Custom notices sent over REST (type 255) are online only, as
 * Tencent documents: a `message` push with `onlineOnly: true`, never stored.
 */
import { randomInt } from 'node:crypto';
import type { GroupSystemNoticeContent } from '@parley/protocol';
import type { SessionRegistry } from '../core/session-registry.ts';
import type { GroupCommitter } from '../messaging/group-commit.ts';
import { encodeWireMessage, inboxMessageEvent, inboxPush } from '../messaging/wire-encoding.ts';
import type { GroupRecord } from '../store/group-store.ts';
import type { StoredMessage } from '../store/message-store.ts';

export const SYSTEM_SENDER = '@TIM#SYSTEM';

export function systemConvId(userID: string): string {
  return `sys:${userID}`;
}

export type NoticeFields = Omit<GroupSystemNoticeContent, 'groupProfile' | 'operatorID'>;

function content(group: GroupRecord, operator: string, fields: NoticeFields): GroupSystemNoticeContent {
  return { ...fields, groupProfile: { groupID: group.groupId, name: group.name, type: group.type }, operatorID: operator };
}

export class GroupNotices {
  constructor(
    private readonly committer: GroupCommitter,
    private readonly sessions: SessionRegistry,
    private readonly now: () => number,
  ) {}

  /** Stores one notice per user in their inbox and pushes it to their sessions. */
  async send(group: GroupRecord, operator: string, users: readonly string[], fields: NoticeFields): Promise<void> {
    const unique = [...new Set(users)].filter((u) => u !== '');
    if (unique.length === 0) return;
    const body = JSON.stringify([{ MsgType: 'TIMGroupSystemNoticeElem', MsgContent: content(group, operator, fields) }]);
    const time = Math.floor(this.now() / 1000);
    await Promise.all(unique.map(async (user) => {
      const r = await this.committer.append({
        sdkAppId: group.sdkAppId, convId: systemConvId(user), from: SYSTEM_SENDER, to: user, random: randomInt(0, 0xffffffff),
        dedupKey: '', time, body, priority: 'High', inboxUsers: [user],
      });
      const inbox = r.inboxSeqs[0];
      if (inbox !== undefined) this.sessions.deliver(group.sdkAppId, user, inboxPush(inboxMessageEvent(inbox, encodeWireMessage(r.message, 'C2C'))));
    }));
  }

  /** An online-only notice (REST custom notification): pushed, never stored. */
  sendOnline(group: GroupRecord, operator: string, users: readonly string[], fields: NoticeFields): void {
    const body = JSON.stringify([{ MsgType: 'TIMGroupSystemNoticeElem', MsgContent: content(group, operator, fields) }]);
    const m: StoredMessage = {
      sdkAppId: group.sdkAppId, convId: '', seq: 0, from: SYSTEM_SENDER, to: '\u0000', random: randomInt(0, 0xffffffff),
      time: Math.floor(this.now() / 1000), body, priority: 'High', revoked: false,
    };
    // Encoded once; only `to` differs per receiver.
    const wire = encodeWireMessage(m, 'C2C', true);
    const marker = '"to":"\\u0000"';
    const at = wire.indexOf(marker);
    const head = wire.slice(0, at) + '"to":';
    const tail = wire.slice(at + marker.length);
    for (const user of new Set(users)) {
      this.sessions.deliver(group.sdkAppId, user, `{"push":"message","data":${head}${JSON.stringify(user)}${tail}}`);
    }
  }
}
