/**
 * @module groups/group-tips
 * Group tips (`TIMGroupTipElem`, Web SDK `MSG_GRP_TIP`): membership and profile changes posted
 * into the group as ordinary group messages — stored with a sequence, in history, delivered live —
 * from the operator. `operationType` uses the SDK's numbers (GroupTipType). Live rooms get no
 * stored tips (their enter/exit notices belong to the live engine).
 */
import { randomInt } from 'node:crypto';
import type { GroupTipContent } from '@parley/protocol';
import type { GroupRecord } from '../store/group-store.ts';
import type { GroupMessaging } from './group-messaging-types.ts';
import { GROUP_RULES } from './group-types.ts';

export interface TipOptions {
  /** Non-members who should still see the tip live (whoever just left or was removed). */
  alsoTo?: readonly string[];
  platform?: string;
}

export class GroupTips {
  constructor(private readonly messaging: GroupMessaging, private readonly now: () => number) {}

  /** Posts a tip; does nothing for live rooms. Returns the tip's sequence (0 when none). */
  async post(group: GroupRecord, operator: string, content: Omit<GroupTipContent, 'operatorID' | 'groupID'>, opts: TipOptions = {}): Promise<number> {
    if (GROUP_RULES[group.type].live) return 0;
    const tip: GroupTipContent = { ...content, operatorID: operator, groupID: group.groupId };
    const bodyValue = [{ MsgType: 'TIMGroupTipElem' as const, MsgContent: tip as unknown as Record<string, unknown> }];
    const r = await this.messaging.post({
      sdkAppId: group.sdkAppId,
      groupId: group.groupId,
      groupType: group.type,
      from: operator,
      body: JSON.stringify(bodyValue),
      bodyValue,
      random: randomInt(0, 0xffffffff),
      dedupKey: '',
      time: Math.floor(this.now() / 1000),
      priority: 'Normal',
      ...(opts.alsoTo !== undefined && { alsoTo: opts.alsoTo }),
      platform: opts.platform ?? 'Unknown',
      silentHooks: true,
    });
    return r.message.seq;
  }
}
