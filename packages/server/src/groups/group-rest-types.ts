/**
 * @module groups/group-rest-types
 * The part of a REST command context the group module needs (kept structural so the domain does
 * not depend on the REST layer).
 */
import type { AppRecord } from '../store/app-store.ts';

export interface RestContextLike {
  app: AppRecord;
  /** The admin UserID from the URL. */
  identifier: string;
}
