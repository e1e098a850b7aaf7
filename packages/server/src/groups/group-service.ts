/**
 * @module groups/group-service
 * The group module's entry point (`services.groups`): one object holding each part, used by the
 * WebSocket ops (gateway/ops/group-ops.ts) and the REST commands
 * (rest/commands/group-open-http-svc.ts) alike. See docs/groups.md.
 */
import { GroupAttributes } from './group-attrs.ts';
import { GroupChat } from './group-chat.ts';
import { GroupCore, type GroupDeps } from './group-core.ts';
import type { GroupMessageHooks } from './group-hooks.ts';
import { GroupImport } from './group-import.ts';
import { GroupJoin } from './group-join.ts';
import { GroupLifecycle } from './group-lifecycle.ts';
import { GroupMembers } from './group-members.ts';
import { GroupMessageDelete } from './group-message-delete.ts';
import { GroupUnread } from './group-unread.ts';

export class GroupService {
  readonly core: GroupCore;
  readonly lifecycle: GroupLifecycle;
  readonly members: GroupMembers;
  readonly joins: GroupJoin;
  readonly chat: GroupChat;
  readonly imports: GroupImport;
  readonly attrs: GroupAttributes;
  readonly unread: GroupUnread;
  readonly deletes: GroupMessageDelete;

  constructor(deps: GroupDeps) {
    this.core = new GroupCore(deps);
    this.lifecycle = new GroupLifecycle(this.core);
    this.members = new GroupMembers(this.core);
    this.joins = new GroupJoin(this.core);
    this.chat = new GroupChat(this.core);
    this.imports = new GroupImport(this.core, this.lifecycle);
    this.attrs = new GroupAttributes(this.core);
    this.unread = new GroupUnread(this.core);
    this.deletes = new GroupMessageDelete(this.core);
  }

  /** Installs before/after send hooks (the callbacks module's Group.CallbackBeforeSendMsg etc.). */
  setHooks(hooks: GroupMessageHooks): void {
    this.core.hooks = hooks;
  }
}
