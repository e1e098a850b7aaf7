/**
 * @module apps/app-settings
 * Validation of app settings and admin lists: everything the registry writes passes through here
 * first, so a bad value is refused before anything is stored.
 */
import { Codes, isValidUserID } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { AppSettings, IntegrationMode, MultiDevicePolicy } from '../store/app-store.ts';
import { validateCallbackSettings } from './callback-settings.ts';

/** Tencent: an app has at most 10 admins. */
export const MAX_ADMINS = 10;
export const MAX_APP_NAME_LENGTH = 64;

const POLICIES: readonly MultiDevicePolicy[] = ['single', 'dual', 'triple', 'multi'];
const MODES: readonly IntegrationMode[] = ['independent', 'guest'];

/** Inclusive integer ranges per numeric setting (Tencent's limits where it has them). */
const RANGES = {
  recallWindowSeconds: [0, 7 * 86_400],
  roomMessagesPerSecond: [1, 100_000],
  likeFlushMs: [50, 60_000],
  roomHistoryOnJoin: [0, 100],
  clientRequestsPerSecond: [1, 10_000],
} as const satisfies Partial<Record<keyof AppSettings, readonly [number, number]>>;

function invalid(message: string): never {
  throw new ParleyError(Codes.INVALID_PARAMETER, message);
}

function intIn(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) invalid(`${name} must be an integer from ${min} to ${max}`);
  return v;
}

export function validateMode(mode: unknown): IntegrationMode {
  if (!MODES.includes(mode as IntegrationMode)) invalid(`mode must be one of ${MODES.join(', ')}`);
  return mode as IntegrationMode;
}

export function validateAppName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_APP_NAME_LENGTH) {
    invalid(`name must be 1 to ${MAX_APP_NAME_LENGTH} characters`);
  }
  return name.trim();
}

export function validateAdmins(admins: unknown): string[] {
  if (!Array.isArray(admins) || admins.length === 0 || admins.length > MAX_ADMINS) invalid(`an app has 1 to ${MAX_ADMINS} admins`);
  for (const a of admins) if (!isValidUserID(a)) invalid(`admin "${String(a)}" is not a valid UserID`);
  const unique = [...new Set(admins as string[])];
  if (unique.length !== admins.length) invalid('admins must not repeat');
  return unique;
}

/** Applies `patch` to `current` and returns the validated result; unknown keys are refused. */
export function mergeSettings(current: AppSettings, patch: Record<string, unknown>): AppSettings {
  const next: AppSettings = { ...current, maxInstancesPerPlatform: { ...current.maxInstancesPerPlatform } };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'multiDevicePolicy') {
      if (!POLICIES.includes(value as MultiDevicePolicy)) invalid(`multiDevicePolicy must be one of ${POLICIES.join(', ')}`);
      next.multiDevicePolicy = value as MultiDevicePolicy;
    } else if (key === 'maxInstancesPerPlatform') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('maxInstancesPerPlatform must be an object');
      for (const [k, v] of Object.entries(value)) {
        // Tencent: up to 10 Web instances and 3 per native platform.
        if (k === 'web') next.maxInstancesPerPlatform.web = intIn('maxInstancesPerPlatform.web', v, 1, 10);
        else if (k === 'native') next.maxInstancesPerPlatform.native = intIn('maxInstancesPerPlatform.native', v, 1, 3);
        else invalid(`unknown setting maxInstancesPerPlatform.${k}`);
      }
    } else if (key === 'callback') {
      if (value === null) delete next.callback;
      else next.callback = validateCallbackSettings(value);
    } else if (key in RANGES) {
      const [min, max] = RANGES[key as keyof typeof RANGES];
      next[key as keyof typeof RANGES] = intIn(key, value, min, max);
    } else {
      invalid(`unknown setting ${key}`);
    }
  }
  return next;
}
