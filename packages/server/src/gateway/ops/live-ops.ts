/**
 * @module gateway/ops/live-ops
 * `like`: taps on a live room, merged client-side (`{ groupID, count }`). The connection must be in
 * that room and not receive-only; the count is capped per call (MAX_LIKES_PER_CALL). Members get
 * aggregated `likes` pushes, never one push per tap.
 */
import { Codes, MAX_LIKES_PER_CALL, type LikeRequest, type LikeResponse } from '@parley/protocol';
import { ParleyError } from '../../errors.ts';
import type { OpRouter } from '../op-router.ts';
import { ajv } from './validator.ts';

const validateLike = ajv.compile<LikeRequest>({
  type: 'object',
  properties: {
    groupID: { type: 'string', minLength: 1, maxLength: 128 },
    count: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
  },
  required: ['groupID', 'count'],
  additionalProperties: false,
});

export function registerLiveOps(router: OpRouter): void {
  router.session('like', validateLike, ({ conn, session, services }, req): LikeResponse => {
    const room = services.liveRooms.roomOf(conn) as { sdkAppId: number; groupId: string; receiveOnly?: boolean } | undefined;
    if (!room || room.groupId !== req.groupID || room.sdkAppId !== session.app.sdkAppId) {
      throw new ParleyError(Codes.GROUP_NOT_MEMBER, 'Join the live room before liking');
    }
    if (room.receiveOnly) throw new ParleyError(Codes.RECEIVE_ONLY);
    const counted = Math.min(req.count, MAX_LIKES_PER_CALL);
    services.liveRooms.like(room.sdkAppId, room.groupId, session.userID, counted);
    return { counted };
  });
}
