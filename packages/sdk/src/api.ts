/**
 * @module api
 * Builds the exported namespace (`TIM` / `TencentCloudChat`) for a platform's defaults.
 */
import { EVENT, LOGIN_STATUS, TYPES } from './constants.ts';
import { createInstance, type ChatSDK, type CreateOptions, type PlatformDefaults } from './sdk.ts';

export const VERSION = '0.1.0';

export interface Namespace {
  create(options: CreateOptions): ChatSDK;
  readonly EVENT: typeof EVENT;
  readonly TYPES: typeof TYPES;
  readonly LOGIN_STATUS: typeof LOGIN_STATUS;
  readonly VERSION: string;
}

export function makeNamespace(defaults: PlatformDefaults): Namespace {
  return Object.freeze({
    create: (options: CreateOptions) => createInstance(options, defaults),
    EVENT,
    TYPES,
    LOGIN_STATUS,
    VERSION,
  });
}
