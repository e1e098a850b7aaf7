/**
 * @module gateway/ops/profile-ops
 * getMyProfile, getUserProfile, updateMyProfile (nick and avatar, stored as Tencent's
 * Tag_Profile_IM_Nick / Tag_Profile_IM_Image).
 */
import { isValidUserID, type GetUserProfileRequest, type UpdateMyProfileRequest } from '@parley/protocol';
import type { AccountRecord } from '../../store/account-store.ts';
import type { OpRouter } from '../op-router.ts';
import { ajv } from './validator.ts';

const validateGet = ajv.compile<GetUserProfileRequest>({
  type: 'object',
  properties: { userIDList: { type: 'array', items: { type: 'string', maxLength: 64 }, minItems: 1, maxItems: 100 } },
  required: ['userIDList'],
});

const validateUpdate = ajv.compile<UpdateMyProfileRequest>({
  type: 'object',
  properties: { nick: { type: 'string', maxLength: 500 }, avatar: { type: 'string', maxLength: 500 } },
});

function profileOf(a: AccountRecord): Record<string, string | number> {
  return { ...a.profile, userID: a.userID, nick: a.nick, avatar: a.faceUrl };
}

export function registerProfileOps(router: OpRouter): void {
  router.session('getMyProfile', undefined, async ({ session, services }) => {
    const a = (await services.store.accounts.getAccounts(session.app.sdkAppId, [session.userID])).get(session.userID);
    return a ? profileOf(a) : { userID: session.userID, nick: '', avatar: '' };
  });

  router.session('getUserProfile', validateGet, async ({ session, services }, req) => {
    const ids = req.userIDList.filter(isValidUserID);
    const found = await services.store.accounts.getAccounts(session.app.sdkAppId, ids);
    return { profileList: ids.flatMap((id) => { const a = found.get(id); return a ? [profileOf(a)] : []; }) };
  });

  router.session('updateMyProfile', validateUpdate, async ({ session, services }, req) => {
    const fields: Record<string, string> = {};
    if (req.nick !== undefined) fields['Tag_Profile_IM_Nick'] = req.nick;
    if (req.avatar !== undefined) fields['Tag_Profile_IM_Image'] = req.avatar;
    if (Object.keys(fields).length > 0) await services.store.accounts.setProfile(session.app.sdkAppId, session.userID, fields);
    return {};
  });
}
