/**
 * @module apps/callback-settings
 * Validation of an app's webhook settings (`settings.callback`, docs/callbacks.md) as they arrive
 * from the CLI, an admin API or a config file: the whole value is checked and normalised before
 * anything is stored, and unknown fields are refused so a typo cannot silently change behaviour.
 */
import { Codes } from '@parley/protocol';
import { validateCallbackConfig } from '../callbacks/callback-config.ts';
import { ParleyError } from '../errors.ts';
import type { AppCallbackSettings } from '../store/app-store.ts';

const FIELDS = new Set(['url', 'token', 'enabled', 'beforeSendFailurePolicy', 'afterRetry', 'timeoutMs']);

function invalid(message: string): never {
  throw new ParleyError(Codes.INVALID_PARAMETER, `callback: ${message}`);
}

/**
 * Returns the normalised settings. `enabled` is required (possibly empty); the policy defaults to
 * Tencent's "deliver", `afterRetry` to false, and duplicate command names are folded.
 */
export function validateCallbackSettings(value: unknown): AppCallbackSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('must be an object');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!FIELDS.has(k)) invalid(`unknown field ${k}`);
  if (typeof v['url'] !== 'string' || v['url'].length > 1024) invalid('url must be a string of at most 1024 characters');
  if (v['token'] !== undefined && typeof v['token'] !== 'string') invalid('token must be a string');
  if (!Array.isArray(v['enabled']) || !v['enabled'].every((c) => typeof c === 'string')) invalid('enabled must be an array of command names');
  if (v['afterRetry'] !== undefined && typeof v['afterRetry'] !== 'boolean') invalid('afterRetry must be a boolean');
  if (v['timeoutMs'] !== undefined && typeof v['timeoutMs'] !== 'number') invalid('timeoutMs must be a number');
  const out: AppCallbackSettings = {
    url: v['url'],
    enabled: [...new Set(v['enabled'] as string[])],
    beforeSendFailurePolicy: (v['beforeSendFailurePolicy'] ?? 'deliver') as AppCallbackSettings['beforeSendFailurePolicy'],
    afterRetry: (v['afterRetry'] as boolean | undefined) ?? false,
  };
  if (v['token'] !== undefined && v['token'] !== '') out.token = v['token'] as string;
  if (v['timeoutMs'] !== undefined) out.timeoutMs = v['timeoutMs'] as number;
  validateCallbackConfig(out);
  return out;
}
