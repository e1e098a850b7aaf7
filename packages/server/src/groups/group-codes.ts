/**
 * @module groups/group-codes
 * Tencent group codes the shared table (`@parley/protocol` Codes) does not carry yet. Same shape
 * as CodeInfo, so `new ParleyError(GROUP_ID_YOURS)` works; candidates to move into codes.ts.
 */
import type { CodeInfo } from '@parley/protocol';

/** 10025: the custom group ID is already used by a group you created. */
export const GROUP_ID_YOURS: CodeInfo = { code: 10025, message: 'You already use this group ID' };
/** 10032: the message cannot be recalled (Parley: it already was). */
export const GROUP_RECALL_REFUSED: CodeInfo = { code: 10032, message: 'The message cannot be recalled' };
