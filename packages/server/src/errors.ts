/**
 * @module errors
 * Errors are values: a `ParleyError` carries a code from the protocol's one table
 * (`@parley/protocol` Codes) and a message for humans. Anything thrown that is not a
 * ParleyError is an internal error and is logged, never shown to a client verbatim.
 */
import { Codes, type CodeInfo } from '@parley/protocol';

export class ParleyError extends Error {
  readonly code: number;
  /** Optional machine-readable detail sent with the error (e.g. the inbox position to resume from). */
  readonly data: unknown;
  constructor(info: CodeInfo | number, message?: string, options?: { cause?: unknown; data?: unknown }) {
    const code = typeof info === 'number' ? info : info.code;
    super(message ?? (typeof info === 'number' ? `error ${info}` : info.message), options);
    this.code = code;
    this.data = options?.data;
    this.name = 'ParleyError';
  }
}

/** A handler result that is already JSON text: sent as is, never re-encoded. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** Throws a ParleyError: `fail(Codes.GROUP_NOT_FOUND)` or with a more specific message. */
export function fail(info: CodeInfo, message?: string): never {
  throw new ParleyError(info, message);
}

/** Normalises anything caught to `{ code, message }`; unknown errors become INTERNAL_ERROR. */
export function toErrorReply(err: unknown, fallback: CodeInfo = Codes.INTERNAL_ERROR): { code: number; message: string } {
  if (err instanceof ParleyError) return { code: err.code, message: err.message };
  return { code: fallback.code, message: fallback.message };
}
