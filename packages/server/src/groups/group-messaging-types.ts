/**
 * @module groups/group-messaging-types
 * Re-export so helpers depend on the messaging class by type only.
 */
export type { GroupMessaging } from './group-messages.ts';
