/**
 * @module rest/commands/openim-dirty-words
 * `openim_dirty_words/get|add|delete` (reference §6): the app's custom sensitive words, 100 calls/s.
 * Changes are stored, then the app's matcher is rebuilt before the call returns, so they apply to
 * the next message (Tencent takes about 5 minutes). Bad input is 10004 and changes nothing.
 */
import type { ContentServices } from '../../messaging/content-hooks.ts';
import type { CommandRegistry } from '../command-registry.ts';

const RATE = { ratePerSecond: 100 };

export function registerDirtyWordCommands(registry: CommandRegistry, content: ContentServices): void {
  const { filter } = content;
  registry.register('openim_dirty_words/get', async (ctx) => ({ DirtyWordsList: await filter.get(ctx.app.sdkAppId) }), RATE);
  registry.register('openim_dirty_words/add', async (ctx, body) => {
    await filter.add(ctx.app.sdkAppId, body['DirtyWordsList']);
    content.changed({ dirtyWords: ctx.app.sdkAppId });
    return {};
  }, RATE);
  registry.register('openim_dirty_words/delete', async (ctx, body) => {
    await filter.delete(ctx.app.sdkAppId, body['DirtyWordsList']);
    content.changed({ dirtyWords: ctx.app.sdkAppId });
    return {};
  }, RATE);
}
