/**
 * @module errors
 * Results and failures in the Web SDK's shapes: a call resolves to `{ code: 0, data }` and rejects
 * with an error carrying `{ code, message, data? }`. Codes come from the protocol's table, which
 * uses Tencent's numbers wherever Tencent has one.
 */
import { Codes, codeInfo, type CodeInfo } from '@parley/protocol';

export interface IMResponse<T> {
  code: 0;
  data: T;
}

export class IMError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message?: string, data?: unknown) {
    super(message || codeInfo(code)?.message || `Error ${code}`);
    this.name = 'IMError';
    this.code = code;
    this.data = data;
  }
  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

export function imError(info: CodeInfo, message?: string, data?: unknown): IMError {
  return new IMError(info.code, message ?? info.message, data);
}

export function ok<T>(data: T): IMResponse<T> {
  return { code: 0, data };
}

/** Codes the SDK raises itself. */
export const SdkCodes = {
  NOT_LOGGED_IN: Codes.SDK_NOT_LOGGED_IN,
  NOT_READY: Codes.SDK_NOT_READY,
  SEND_FAILED: Codes.SDK_SEND_FAILED,
  REQUEST_TIMEOUT: Codes.SDK_REQUEST_TIMEOUT,
  LOGIN_TIMEOUT: Codes.LOGIN_TIMEOUT,
  INVALID_PARAMETER: Codes.SDK_INVALID_PARAMETER,
  NO_NETWORK: Codes.NO_NETWORK,
  USERSIG_EXPIRED: Codes.LOGIN_USERSIG_EXPIRED,
  KICKED: Codes.KICKED_BY_OTHERS,
  INVALID_USER_ID: Codes.INVALID_USER_ID,
} as const;
