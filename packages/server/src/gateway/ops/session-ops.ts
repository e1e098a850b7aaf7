/**
 * @module gateway/ops/session-ops
 * login, guestLogin, renewTicket, logout, heartbeat.
 *
 * Login order matters for lossless sync: the session is registered (and, in a cluster, subscribed
 * to its user channel) BEFORE the inbox position is read, so every event committed after that read
 * is pushed to it, and everything before is ≤ the returned `inboxSeq`.
 */
import { randomBytes } from 'node:crypto';
import { Codes, PROTOCOL_VERSION, type GuestLoginRequest, type LoginRequest, type LoginResponse, type Platform, type RenewTicketRequest } from '@parley/protocol';
import { genUserSigV2 } from '@parley/usersig';
import { ParleyError } from '../../errors.ts';
import { sessionsToKick } from '../../core/login-policy.ts';
import { markLoggedOut } from '../../messaging/content-hooks.ts';
import type { AppRecord } from '../../store/app-store.ts';
import { CloseCodes } from '../close-codes.ts';
import type { OpContext, OpRouter } from '../op-router.ts';
import { ajv } from './validator.ts';

const GUEST_TICKET_SECONDS = 7 * 86400;

const platformSchema = { type: 'string', enum: ['Web', 'Android', 'iPhone', 'iPad', 'Windows', 'Mac', 'Linux', 'Unknown'] };

const validateLogin = ajv.compile<LoginRequest>({
  type: 'object',
  properties: {
    sdkAppId: { type: 'integer', minimum: 1 },
    userID: { type: 'string', minLength: 1, maxLength: 64 },
    userSig: { type: 'string', minLength: 1, maxLength: 4096 },
    platform: platformSchema,
    protocolVersion: { type: 'integer' },
  },
  required: ['sdkAppId', 'userID', 'userSig'],
});

const validateGuestLogin = ajv.compile<GuestLoginRequest>({
  type: 'object',
  properties: {
    sdkAppId: { type: 'integer', minimum: 1 },
    platform: platformSchema,
    nick: { type: 'string', maxLength: 64 },
    avatar: { type: 'string', maxLength: 512 },
    protocolVersion: { type: 'integer' },
  },
  required: ['sdkAppId'],
});

const validateRenew = ajv.compile<RenewTicketRequest>({
  type: 'object',
  properties: { userSig: { type: 'string', minLength: 1, maxLength: 4096 } },
  required: ['userSig'],
});

export function registerSessionOps(router: OpRouter): void {
  router.public('login', validateLogin, async (ctx, req) => {
    const app = await beginLogin(ctx, req.sdkAppId, req.protocolVersion);
    const { services } = ctx;
    const check = services.tickets.verify(app, req.userID, req.userSig, undefined, false);
    if (!check.ok) throw new ParleyError(check.code, check.reason);
    const account = (await services.store.accounts.getAccounts(app.sdkAppId, [req.userID])).get(req.userID);
    if (account && check.ticket.time <= account.ticketsRevokedAt) throw new ParleyError(Codes.USERSIG_REVOKED);
    const expireAt = check.ticket.time + check.ticket.expire;
    return completeLogin(ctx, app, req.userID, req.platform ?? 'Unknown', expireAt, false, undefined);
  });

  router.public('guestLogin', validateGuestLogin, async (ctx, req) => {
    const app = await beginLogin(ctx, req.sdkAppId, req.protocolVersion);
    if (app.mode !== 'guest') throw new ParleyError(Codes.GUEST_NOT_ALLOWED);
    const userID = `guest_${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`;
    const time = Math.floor(ctx.services.now() / 1000);
    const userSig = genUserSigV2({ sdkAppId: app.sdkAppId, secretKey: app.secretKey, identifier: userID, expire: GUEST_TICKET_SECONDS, time });
    return completeLogin(ctx, app, userID, req.platform ?? 'Web', time + GUEST_TICKET_SECONDS, true, userSig, req.nick, req.avatar);
  });

  router.session('renewTicket', validateRenew, (ctx, req) => {
    const { session } = ctx;
    const check = ctx.services.tickets.verify(session.app, session.userID, req.userSig, undefined, false);
    if (!check.ok) throw new ParleyError(check.code, check.reason);
    session.expireAt = check.ticket.time + check.ticket.expire;
    ctx.services.expiry.arm(ctx.conn);
    return { expireAt: session.expireAt };
  });

  router.session('logout', undefined, (ctx) => {
    const { session } = ctx.conn;
    if (session && markLoggedOut(ctx.conn)) {
      ctx.services.events?.stateChange(session.app.sdkAppId, session.userID, 'Logout', 'Unregister', session.platform, [], ctx.conn.remoteAddress);
    }
    // Answer first, then close: the reply is flushed before the close frame.
    setImmediate(() => ctx.conn.close(CloseCodes.LOGGED_OUT, 'logout'));
    return {};
  });

  router.public('heartbeat', undefined, (ctx) => ({ serverTime: Math.floor(ctx.services.now() / 1000) }));
}

async function beginLogin(ctx: OpContext, sdkAppId: number, protocolVersion: number | undefined): Promise<AppRecord> {
  if (protocolVersion !== undefined && protocolVersion !== PROTOCOL_VERSION) {
    throw new ParleyError(Codes.PROTOCOL_VERSION, `This server speaks protocol version ${PROTOCOL_VERSION}`);
  }
  if (ctx.conn.session || ctx.conn.loggingIn) throw new ParleyError(Codes.REPEATED_LOGIN, 'Already logged in on this connection');
  const app = await ctx.services.apps.getApp(sdkAppId);
  if (!app || app.disabled) throw new ParleyError(Codes.SDKAPPID_NOT_FOUND);
  return app;
}

async function completeLogin(
  ctx: OpContext, app: AppRecord, userID: string, platform: Platform | string, expireAt: number,
  guest: boolean, userSig: string | undefined, nick?: string, avatar?: string,
): Promise<LoginResponse> {
  const { services, conn } = ctx;
  const now = services.now();
  if (expireAt < now / 1000) throw new ParleyError(Codes.USERSIG_EXPIRED);
  if (!services.loginLimiter.take(`${app.sdkAppId}:${userID}`, now)) {
    throw new ParleyError(Codes.REPEATED_LOGIN, 'Too many logins for this user; slow down');
  }
  conn.loggingIn = true;
  try {
    await services.directory.ensure(app.sdkAppId, userID);
    const existing = await services.sessions.sessionsOf(app.sdkAppId, userID);
    const kicks = sessionsToKick(app.settings.multiDevicePolicy, app.settings.maxInstancesPerPlatform, existing, { platform });
    for (const k of kicks) {
      await services.sessions.kick(app.sdkAppId, userID, [k.sessionId], k.reason, Codes.KICKED_BY_OTHERS.code, Codes.KICKED_BY_OTHERS.message);
    }
    if (conn.closed) throw new ParleyError(Codes.NOT_LOGGED_IN, 'Connection closed during login');
    conn.session = {
      app, userID, sessionId: randomBytes(9).toString('base64url'), platform, loginAt: now, expireAt, guest,
      ...(nick !== undefined && { nick }), ...(avatar !== undefined && { avatar }),
    };
    conn.setRequestRate(app.settings.clientRequestsPerSecond);
    try {
      await services.sessions.add(conn);
    } catch (err) {
      // Redis unreachable (cluster): not logged in; the client retries (STORE_UNAVAILABLE).
      conn.session = undefined;
      throw err;
    }
    const kicked = existing.filter((s) => kicks.some((k) => k.sessionId === s.sessionId)).map((s) => s.platform);
    services.events?.stateChange(app.sdkAppId, userID, 'Login', 'Register', platform, kicked, conn.remoteAddress);
    const inboxSeq = await services.store.messages.lastInboxSeq(app.sdkAppId, userID);
    services.expiry.arm(conn);
    services.metrics.counter('parley_logins_total', 'Successful logins', ['kind']).inc({ kind: guest ? 'guest' : 'ticket' });
    return {
      userID,
      ...(userSig !== undefined && { userSig }),
      sessionId: conn.session.sessionId,
      serverTime: Math.floor(now / 1000),
      expireAt,
      inboxSeq,
      heartbeatIntervalMs: services.config.heartbeatMs,
      protocolVersion: PROTOCOL_VERSION,
      guest,
    };
  } finally {
    conn.loggingIn = false;
  }
}
