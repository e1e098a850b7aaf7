/**
 * @module rest/commands/im-open-login-svc
 * Account APIs (reference §2): account_import, multiaccount_import, account_check,
 * account_delete and kick. Each validates the whole body before writing anything.
 */
import { Codes, isValidUserID } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import type { AccountImport } from '../../store/account-store.ts';
import { bad, list, optionalString, userIdValue, userItems } from '../body-fields.ts';
import type { CommandRegistry, RestContext } from '../command-registry.ts';

/** Tencent: at most 100 accounts per multiaccount_import / account_check / account_delete call. */
const MAX_BATCH = 100;
const NOT_FOUND_INFO = 'Err_TLS_PT_Open_Login_Account_Not_Exist';

function nowSeconds(ctx: RestContext): number {
  return Math.floor((ctx.deps.now ?? Date.now)() / 1000);
}

export function registerAccountCommands(registry: CommandRegistry): void {
  registry.register('im_open_login_svc/account_import', async (ctx, body) => {
    // Older docs and SDKs call the field Identifier.
    const userID = userIdValue(body['UserID'] ?? body['Identifier'], 'UserID');
    const account: AccountImport = { userID };
    const nick = optionalString(body, 'Nick');
    const faceUrl = optionalString(body, 'FaceUrl');
    if (nick !== undefined) account.nick = nick;
    if (faceUrl !== undefined) account.faceUrl = faceUrl;
    await ctx.deps.store.accounts.importAccounts(ctx.app.sdkAppId, [account]);
    return {};
  });

  // Entries that are strings but not valid UserIDs are reported in FailAccounts (the others are
  // imported); a body that is malformed as a whole fails without importing anything.
  registry.register('im_open_login_svc/multiaccount_import', async (ctx, body) => {
    const items = list(body, 'Accounts', MAX_BATCH);
    for (const [i, v] of items.entries()) if (typeof v !== 'string') bad(`Accounts[${i}] must be a string`, Codes.REST_BAD_ACCOUNT_TYPE);
    const ids = items as string[];
    const fail = [...new Set(ids.filter((id) => !isValidUserID(id)))];
    const good = [...new Set(ids.filter((id) => isValidUserID(id)))];
    if (good.length > 0) await ctx.deps.store.accounts.importAccounts(ctx.app.sdkAppId, good.map((userID) => ({ userID })));
    return { FailAccounts: fail };
  }, { ratePerSecond: 100 });

  registry.register('im_open_login_svc/account_check', async (ctx, body) => {
    const ids = userItems(body, 'CheckItem', MAX_BATCH);
    const found = await ctx.deps.store.accounts.getAccounts(ctx.app.sdkAppId, ids);
    return {
      ResultItem: ids.map((UserID) => ({ UserID, ResultCode: 0, ResultInfo: '', AccountStatus: found.has(UserID) ? 'Imported' : 'NotImported' })),
    };
  }, { ratePerSecond: 100 });

  // Tencent allows deletion on trial apps only (71000 otherwise); Parley allows it on every app.
  registry.register('im_open_login_svc/account_delete', async (ctx, body) => {
    const ids = userItems(body, 'DeleteItem', MAX_BATCH);
    const deleted = new Set(await ctx.deps.store.accounts.deleteAccounts(ctx.app.sdkAppId, ids));
    // A deleted account's live sessions go too; a failure to reach them does not undo the delete.
    for (const id of deleted) {
      await ctx.deps.sessions.kickUser(ctx.app.sdkAppId, id).catch((err: unknown) => {
        ctx.deps.logger.warn({ err, sdkAppId: ctx.app.sdkAppId, userID: id }, 'account_delete: kicking sessions failed');
      });
    }
    return {
      ResultItem: ids.map((UserID) => deleted.has(UserID)
        ? { ResultCode: 0, ResultInfo: '', UserID }
        : { ResultCode: Codes.ACCOUNT_NOT_FOUND.code, ResultInfo: NOT_FOUND_INFO, UserID }),
    };
  }, { ratePerSecond: 100 });

  // Invalidates every ticket issued up to now (a newly signed one works again) and drops the
  // user's live sessions.
  registry.register('im_open_login_svc/kick', async (ctx, body) => {
    const userID = userIdValue(body['UserID'] ?? body['Identifier'], 'UserID');
    const { sdkAppId } = ctx.app;
    const found = await ctx.deps.store.accounts.getAccounts(sdkAppId, [userID]);
    if (!found.has(userID)) throw new ParleyError(Codes.ACCOUNT_NOT_FOUND, `${userID}: ${NOT_FOUND_INFO}`);
    await ctx.deps.store.accounts.revokeTickets(sdkAppId, userID, nowSeconds(ctx));
    await ctx.deps.sessions.kickUser(sdkAppId, userID);
    return {};
  });
}
