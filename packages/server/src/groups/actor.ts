/**
 * @module groups/actor
 * Who performs a group operation: a logged-in user (maybe an app admin account, maybe a guest) or
 * the REST admin. The REST admin and app admin accounts act with owner rights in every group.
 */
import type { ClientConnection } from '../gateway/client-connection.ts';
import type { LoggedInContext } from '../gateway/op-router.ts';
import type { RestContextLike } from './group-rest-types.ts';

export interface Actor {
  sdkAppId: number;
  userID: string;
  /** The REST admin, or a user listed in the app's admins. */
  appAdmin: boolean;
  rest: boolean;
  guest: boolean;
  /** The connection (client ops): live rooms are joined per connection. */
  conn?: ClientConnection;
  sessionId?: string;
  nick?: string;
  avatar?: string;
  platform: string;
  /** Seconds a sender may recall its own message. */
  recallWindowSeconds: number;
  roomMessagesPerSecond: number;
  guestMode: boolean;
}

export function actorFromSession(ctx: LoggedInContext): Actor {
  const { session, conn } = ctx;
  return {
    sdkAppId: session.app.sdkAppId,
    userID: session.userID,
    appAdmin: session.app.admins.includes(session.userID),
    rest: false,
    guest: session.guest,
    conn,
    sessionId: session.sessionId,
    ...(session.nick !== undefined && { nick: session.nick }),
    ...(session.avatar !== undefined && { avatar: session.avatar }),
    platform: session.platform,
    recallWindowSeconds: session.app.settings.recallWindowSeconds,
    roomMessagesPerSecond: session.app.settings.roomMessagesPerSecond,
    guestMode: session.app.mode === 'guest',
  };
}

export function actorFromRest(ctx: RestContextLike): Actor {
  return {
    sdkAppId: ctx.app.sdkAppId,
    userID: ctx.identifier,
    appAdmin: true,
    rest: true,
    guest: false,
    platform: 'RESTAPI',
    recallWindowSeconds: ctx.app.settings.recallWindowSeconds,
    roomMessagesPerSecond: ctx.app.settings.roomMessagesPerSecond,
    guestMode: ctx.app.mode === 'guest',
  };
}
