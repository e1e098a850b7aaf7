/** Small helpers shared by the tests: build tickets in any form from a JSON document. */
import { deflateSync, inflateSync } from 'node:zlib';

/** Standard base64 → the UserSig alphabet. */
export const swap = (b64: string): string => b64.replaceAll('+', '*').replaceAll('/', '-').replaceAll('=', '_');

/** UserSig → standard base64 (test-side reference implementation, independent of the library). */
export const unswap = (s: string): string => s.replace(/\s+/g, '').replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');

export function ticketFromJson(json: string, level = 6): string {
  return swap(deflateSync(Buffer.from(json, 'utf8'), { level }).toString('base64'));
}

export function jsonOfTicket(userSig: string): string {
  return inflateSync(Buffer.from(unswap(userSig), 'base64')).toString('utf8');
}

export function ticketFromDoc(doc: Record<string, unknown>, level = 6): string {
  return ticketFromJson(JSON.stringify(doc), level);
}
