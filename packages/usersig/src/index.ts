/**
 * @module @parley/usersig
 * Tencent-compatible UserSig tickets: v2 (HMAC-SHA256) and legacy v1 (ECDSA-SHA256), generation,
 * decoding and verification. See docs/usersig.md.
 */
export type { DecodedTicket, VerifyResult, VerifyOptions, DecodeResult, Failure } from './types.ts';
export { verifyUserSig } from './verify.ts';
export { decodeTicket } from './ticket.ts';
export { genUserSigV2, v2MacInput } from './v2.ts';
export { genUserSigV1, v1SignedText } from './v1.ts';
export { genPrivateMapKey, buildPrivateMapUserbuf, parsePrivateMapUserbuf, type PrivateMapUserbuf } from './userbuf.ts';
export { generateSecretKey, generateV1KeyPair } from './keys.ts';
export { encodeTicketText, decodeTicketText } from './codec.ts';
export { DEFAULT_EXPIRE } from './args.ts';
