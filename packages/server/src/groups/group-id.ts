/**
 * @module groups/group-id
 * Group IDs (reference §5.2): custom IDs are printable ASCII (0x20–0x7e), at most 48 bytes, and
 * must not start with `@TGS#` — except Community IDs, which must start with `@TGS#_`. Generated IDs
 * start with `@TGS#` and a per-type prefix, followed by random upper-case letters and digits.
 */
import { randomBytes } from 'node:crypto';
import type { GroupType } from '@parley/protocol';
import { GROUP_RULES } from './group-types.ts';

export const MAX_GROUP_ID_BYTES = 48;
const PRINTABLE = /^[\x20-\x7e]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Shape check for any group ID a client names (custom or generated). */
export function isWellFormedGroupID(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_GROUP_ID_BYTES && PRINTABLE.test(id);
}

/** Why a custom ID is refused for this type, or undefined when it is acceptable. */
export function customGroupIDProblem(id: string, type: GroupType): string | undefined {
  if (!isWellFormedGroupID(id)) return `A group ID is 1 to ${MAX_GROUP_ID_BYTES} bytes of printable ASCII`;
  if (type === 'Community') {
    if (!id.startsWith('@TGS#_') || id.length === 6) return 'A Community group ID must start with @TGS#_';
  } else if (id.startsWith('@TGS#')) {
    return 'A custom group ID must not start with @TGS#';
  }
  return undefined;
}

export function generateGroupID(type: GroupType): string {
  const bytes = randomBytes(10);
  let tail = '';
  for (const b of bytes) tail += ALPHABET[b % ALPHABET.length];
  return GROUP_RULES[type].idPrefix + tail;
}
