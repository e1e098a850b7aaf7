/**
 * @module gateway/close-codes
 * WebSocket close codes Parley uses (4000–4999 is the application range). Codes below 4100 mean
 * "do not reconnect automatically"; 4100 and above mean "reconnect and resync".
 */
export const CloseCodes = {
  KICKED: 4001,
  USERSIG_EXPIRED: 4002,
  PROTOCOL_ERROR: 4003,
  LOGGED_OUT: 4004,
  SLOW_CONSUMER: 4100,
  HEARTBEAT_TIMEOUT: 4101,
  SHUTTING_DOWN: 4102,
} as const;

export function shouldReconnect(code: number): boolean {
  return code < 4000 || code >= 4100;
}
