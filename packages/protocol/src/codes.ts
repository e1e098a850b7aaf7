/**
 * @module codes
 * The one table of error codes shared by the server, the REST layer and the SDK.
 *
 * Where Tencent Cloud IM has a code for a condition, Parley uses that number, so a back end or app
 * that branches on Tencent's codes keeps working. Parley's own conditions (no Tencent equivalent)
 * live in the reserved range 300000–300999. `retryable` tells a client whether the same request
 * may succeed later without change.
 */

export interface CodeInfo {
  readonly code: number;
  readonly message: string;
  readonly retryable?: boolean;
}

function c(code: number, message: string, retryable = false): CodeInfo {
  return retryable ? { code, message, retryable } : { code, message };
}

export const Codes = {
  OK: c(0, ''),

  // --- UserSig / login (Tencent 70xxx) ---
  USERSIG_EXPIRED: c(70001, 'UserSig expired; generate a new one'),
  USERSIG_EMPTY: c(70002, 'UserSig is empty'),
  USERSIG_MALFORMED: c(70003, 'Invalid UserSig: it could not be decoded'),
  USERSIG_INVALID: c(70005, 'Invalid UserSig: a required field is missing or has the wrong type'),
  USERSIG_BAD_SIGNATURE: c(70009, 'UserSig verification failed: wrong key or another SDKAppID\'s key'),
  USERSIG_IDENTIFIER_MISMATCH: c(70013, 'The UserID in the request does not match the UserID in the UserSig'),
  USERSIG_SDKAPPID_MISMATCH: c(70014, 'The SDKAppID in the request does not match the one in the UserSig'),
  USERSIG_NO_PUBLIC_KEY: c(70016, 'The app has no public key for a v1 (ECDSA) UserSig'),
  SDKAPPID_NOT_FOUND: c(70020, 'SDKAppID not found'),
  USERSIG_TOO_MANY_FAILURES: c(70050, 'Too many failed UserSig checks; retry after 1 minute', true),
  /** Parley: the ticket's version field is neither v2 ("2.0") nor absent (v1). */
  USERSIG_WRONG_VERSION: c(70052, 'Unsupported UserSig version'),
  /** Parley: a userbuf-carrying ticket (PrivateMapKey) presented where a plain UserSig is required, or the reverse. */
  USERSIG_USERBUF_MISMATCH: c(70053, 'UserSig userbuf does not match'),
  /** The account's login state was invalidated by REST kick; a newly issued UserSig works again. */
  USERSIG_REVOKED: c(70054, 'This UserSig was invalidated by a kick; generate a new one'),
  ACCOUNT_NOT_FOUND: c(70107, 'The UserID does not exist'),
  LOGIN_RATE_LIMITED: c(70114, 'Login restricted for security; reduce the login rate', true),
  SERVER_TIMEOUT: c(70169, 'Server timeout', true),
  ACCOUNT_INVALID_BATCH: c(70206, 'Invalid batch size'),
  INVALID_PARAMETER: c(70402, 'Invalid parameter'),
  ADMIN_REQUIRED: c(70403, 'The call requires an app admin'),
  INTERNAL_ERROR: c(70500, 'Internal error', true),

  // --- REST layer (Tencent 600xx) ---
  REST_BAD_URL: c(60002, 'The HTTP request could not be parsed'),
  REST_BAD_JSON: c(60003, 'The JSON in the request body could not be parsed'),
  REST_BAD_SIGNATURE: c(60004, 'The account or signature in the URL is wrong'),
  REST_INVALID_SDKAPPID: c(60006, 'Invalid SDKAppID'),
  REST_API_RATE_LIMITED: c(60007, 'This REST API\'s rate limit was exceeded', true),
  REST_TIMEOUT: c(60008, 'Service timeout, or a malformed HTTP request', true),
  REST_BAD_PATH: c(60009, 'The requested resource is wrong (bad URL path)'),
  REST_ADMIN_REQUIRED: c(60010, 'The call requires an app admin'),
  REST_APP_RATE_LIMITED: c(60011, 'The SDKAppID\'s rate limit was exceeded', true),
  REST_MISSING_SDKAPPID: c(60012, 'sdkappid is missing from the URL'),
  REST_BAD_ACCOUNT_TYPE: c(60015, 'Wrong account type in the body (UserIDs must be strings)'),
  REST_APP_DISABLED: c(60016, 'The SDKAppID is disabled'),
  REST_TOO_MANY_REQUESTS: c(60018, 'Too many requests', true),

  // --- C2C messaging (Tencent 20xxx, 90xxx, 93000) ---
  INVALID_REQUEST_PACKET: c(20001, 'Invalid request packet'),
  RECEIVER_NOT_FOUND: c(20003, 'The sender or recipient UserID is invalid or does not exist'),
  C2C_CALLBACK_DENIED: c(20006, 'The before-send webhook denied the message'),
  SENDER_MUTED: c(20012, 'The sender is muted'),
  RECALL_TIME_LIMIT: c(20016, 'The recall time limit has passed'),
  RECALL_MSG_NOT_FOUND: c(20022, 'The message to recall does not exist'),
  RECALL_ALREADY: c(20023, 'The message was already recalled'),
  JSON_PARSE_FAILED: c(90001, 'The request JSON could not be parsed'),
  BAD_MSG_BODY: c(90002, 'MsgBody is malformed'),
  BAD_TO_ACCOUNT: c(90003, 'To_Account is missing or bad'),
  BAD_MSG_SEQ: c(90004, 'MsgSeq is bad'),
  BAD_MSG_RANDOM: c(90005, 'MsgRandom is missing or bad'),
  BAD_MSG_TIMESTAMP: c(90006, 'MsgTimeStamp is missing or bad'),
  MSG_BODY_NOT_ARRAY: c(90007, 'MsgBody is not an array'),
  BAD_FROM_ACCOUNT: c(90008, 'From_Account is missing or does not exist'),
  MSG_ADMIN_REQUIRED: c(90009, 'The call requires an admin'),
  BAD_MSG_FORMAT: c(90010, 'Bad message format'),
  TOO_MANY_TARGETS: c(90011, 'More than 500 targets'),
  TO_ACCOUNT_NOT_FOUND: c(90012, 'To_Account is not registered'),
  MSG_LIFETIME_TOO_LONG: c(90026, 'MsgLifeTime is over 7 days'),
  BAD_SYNC_OTHER_MACHINE: c(90031, 'SyncOtherMachine is not an integer'),
  BAD_MSG_LIFETIME: c(90044, 'MsgLifeTime is not an integer'),
  MSG_ACCOUNT_NOT_FOUND: c(90048, 'The account does not exist'),
  BAD_MSG_KEY: c(90054, 'Invalid MsgKey'),
  BATCH_TOO_LONG: c(90055, 'The batch packet is too long'),
  MSG_INTERNAL_ERROR: c(91000, 'Internal error', true),
  MSG_TOO_LARGE: c(93000, 'The message is over the maximum size (12 KB)'),

  // --- Groups (Tencent 10xxx) ---
  GROUP_INTERNAL_ERROR: c(10002, 'Group: internal error', true),
  GROUP_BAD_COMMAND: c(10003, 'Bad command word'),
  GROUP_INVALID_PARAMETER: c(10004, 'Invalid parameter'),
  GROUP_TOO_MANY_ACCOUNTS: c(10005, 'Too many accounts in the request'),
  GROUP_RATE_LIMITED: c(10006, 'Operation rate or quota exceeded', true),
  GROUP_PERMISSION_DENIED: c(10007, 'Insufficient permission for this operation or group type'),
  GROUP_OWNER_CANNOT_QUIT: c(10009, 'The owner cannot leave the group'),
  GROUP_NOT_FOUND: c(10010, 'The group does not exist or was dismissed'),
  GROUP_BAD_JSON: c(10011, 'Bad JSON'),
  GROUP_BAD_OPERATOR: c(10012, 'Invalid operator UserID'),
  GROUP_ALREADY_MEMBER: c(10013, 'Already a member'),
  GROUP_FULL: c(10014, 'The group is full'),
  GROUP_INVALID_ID: c(10015, 'Invalid group ID'),
  GROUP_CALLBACK_DENIED: c(10016, 'A webhook denied the operation'),
  GROUP_MUTED: c(10017, 'Muted; cannot send'),
  GROUP_USER_NOT_FOUND: c(10019, 'The UserID does not exist'),
  GROUP_MSG_TOO_LONG: c(10020, 'Group message too long'),
  GROUP_ID_TAKEN: c(10021, 'Group ID taken'),
  GROUP_ID_YOURS: c(10025, 'You already use this group ID'),
  GROUP_MSG_RATE_LIMITED: c(10023, 'Group message rate limit', true),
  GROUP_RECALL_NOT_FOUND: c(10030, 'The message to recall does not exist'),
  GROUP_RECALL_TIME_LIMIT: c(10031, 'The recall time limit has passed'),
  GROUP_RECALL_REFUSED: c(10032, 'The message cannot be recalled'),
  GROUP_RECALL_UNSUPPORTED: c(10033, 'Recall is not supported for this group type'),
  GROUP_MEMBER_QUOTA: c(10038, 'Member cap exceeded'),
  GROUP_NO_ROAMING: c(10044, 'This group type does not store messages'),
  GROUP_ATTR_KEY_TOO_LONG: c(10045, 'A group attribute key is over 32 bytes'),
  GROUP_ATTR_VALUE_TOO_LONG: c(10046, 'A group attribute value is over 4,000 bytes'),
  GROUP_ATTR_TOO_MANY_KEYS: c(10047, 'More than 16 group attribute keys'),
  GROUP_ATTR_TOO_LARGE: c(10048, 'Group attributes over 16 KB in total'),
  /** Tencent's backend limit on attribute writes (init/set/delete): 5 per second per group. */
  GROUP_ATTR_RATE_LIMITED: c(10049, 'Group attributes are written more than 5 times a second; retry later', true),
  GROUP_NOT_MEMBER: c(10007, 'Not a member of the group'),

  // --- Content (Tencent 800xx) ---
  DIRTY_WORD: c(80001, 'The text contains sensitive words; not delivered'),
  GROUP_MSG_TOO_LARGE: c(80002, 'The message is over the maximum size (12 KB)'),
  CALLBACK_FAILED: c(80003, 'The before-send webhook failed or timed out and the policy is not to deliver'),

  // --- Client SDK codes (Tencent Web SDK / V2TIM) ---
  SDK_NOT_LOGGED_IN: c(2024, 'Not logged in'),
  REPEATED_LOGIN: c(2025, 'Repeated login'),
  SDK_SEND_FAILED: c(2100, 'Send failed', true),
  SDK_REQUEST_TIMEOUT: c(2801, 'Request timed out', true),
  SDK_NOT_READY: c(2999, 'SDK not ready'),
  LOGIN_TIMEOUT: c(6012, 'Request timed out', true),
  NOT_LOGGED_IN: c(6014, 'Not logged in, or forced offline; log in first'),
  SDK_INVALID_PARAMETER: c(6017, 'Invalid parameter'),
  NO_NETWORK: c(6200, 'No network', true),
  LOGIN_USERSIG_EXPIRED: c(6206, 'Login failed because the UserSig expired'),
  KICKED_BY_OTHERS: c(6208, 'Kicked offline: logged in on another device'),
  INVALID_USER_ID: c(7003, 'Invalid UserID: 1 to 32 bytes of [A-Za-z0-9_-]'),
  /**
   * Tencent's Web SDK raises 2642 itself before calling a group-attribute API on a group the user
   * has not joined. Parley's server answers the attribute ops with it too (a stored group the user
   * is not a member of, a live room this connection has not joined), so apps keep branching on it.
   */
  GROUP_ATTR_NOT_JOINED: c(2642, 'Join the group before using its attributes'),
  CLIENT_RATE_LIMITED: c(9506, 'Request rate limit exceeded', true),

  // --- Parley's own (300000–300999) ---
  PROTOCOL_UNKNOWN_OP: c(300001, 'Unknown operation'),
  PROTOCOL_BAD_FRAME: c(300002, 'Malformed frame'),
  PROTOCOL_FRAME_TOO_LARGE: c(300003, 'Frame too large'),
  PROTOCOL_VERSION: c(300004, 'Unsupported protocol version'),
  SLOW_CONSUMER: c(300005, 'Disconnected: the connection could not keep up with its pushes', true),
  GUEST_NOT_ALLOWED: c(300006, 'Guest login is not enabled for this app (independent mode)'),
  SYNC_TOO_FAR_BEHIND: c(300007, 'The client is too far behind; page history instead'),
  STORE_UNAVAILABLE: c(300008, 'Storage is temporarily unavailable; retry', true),
  SHUTTING_DOWN: c(300009, 'The server is shutting down; reconnect', true),
  HEARTBEAT_TIMEOUT: c(300010, 'Heartbeat timeout', true),
  RECEIVE_ONLY: c(300011, 'Guests in this room may only receive'),
} as const satisfies Record<string, CodeInfo>;

export type CodeName = keyof typeof Codes;

const byNumber = new Map<number, CodeInfo>();
for (const info of Object.values(Codes)) if (!byNumber.has(info.code)) byNumber.set(info.code, info);

/** Looks a code up by number (the first name registered for a shared number wins). */
export function codeInfo(code: number): CodeInfo | undefined {
  return byNumber.get(code);
}

/** True when a failure with this code may succeed on retry without change. */
export function isRetryable(code: number): boolean {
  return byNumber.get(code)?.retryable === true;
}
