/**
 * @module rest/commands/group-attr-commands
 * group_open_http_svc/get_group_attr, modify_group_attr, set_group_attr, clear_group_attr:
 * `GroupAttr` / `GroupAttrAry` are `[{ "key": ..., "value": ... }]` (lower-case, as Tencent's
 * pages and OpenAPI file spell them). Limits and storage: groups/group-attrs.ts.
 */
import { actorFromRest } from '../../groups/actor.ts';
import type { GroupAttrs } from '../../store/group-attr-store.ts';
import type { Services } from '../../services.ts';
import type { CommandRegistry } from '../command-registry.ts';
import { str } from './group-body-fields.ts';

const toList = (attrs: GroupAttrs) => Object.entries(attrs).map(([key, value]) => ({ key, value }));

export function registerGroupAttrCommands(registry: CommandRegistry, services: Services): void {
  const attrs = () => services.groups.attrs;
  const reg = (name: string, fn: Parameters<CommandRegistry['register']>[1]) => registry.register(`group_open_http_svc/${name}`, fn);

  reg('get_group_attr', async (ctx, body) => ({ GroupAttrAry: toList(await attrs().get(actorFromRest(ctx), str(body, 'GroupId'))) }));
  reg('modify_group_attr', async (ctx, body) => (await attrs().modify(actorFromRest(ctx), str(body, 'GroupId'), body['GroupAttr']), {}));
  reg('set_group_attr', async (ctx, body) => (await attrs().set(actorFromRest(ctx), str(body, 'GroupId'), body['GroupAttr']), {}));
  reg('clear_group_attr', async (ctx, body) => (await attrs().clear(actorFromRest(ctx), str(body, 'GroupId')), {}));
}
