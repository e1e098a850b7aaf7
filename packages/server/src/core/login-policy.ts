/**
 * @module core/login-policy
 * Tencent's multi-device login policies (reference §9): which existing sessions a new login kicks.
 *
 * Platforms fall in classes; a policy says which classes share one "slot" (only one platform of a
 * slot may be online), and each platform allows a number of instances. The newest login wins.
 */
import type { KickReason } from '@parley/protocol';
import type { MultiDevicePolicy } from '../store/app-store.ts';

export interface SessionRef {
  sessionId: string;
  platform: string;
  loginAt: number;
}

const MOBILE = new Set(['Android', 'iPhone', 'iPad']);
const DESKTOP = new Set(['Windows', 'Mac', 'Linux']);

/** The slot a platform occupies under a policy: sessions in one slot must share a platform. */
function slotOf(policy: MultiDevicePolicy, platform: string): string {
  switch (policy) {
    case 'single':
      return 'all';
    case 'dual':
      return platform === 'Web' ? 'web' : 'native';
    case 'triple':
      if (platform === 'Web') return 'web';
      if (MOBILE.has(platform)) return 'mobile';
      if (DESKTOP.has(platform)) return 'desktop';
      return 'other';
    case 'multi':
      return platform;
  }
}

export interface KickDecision {
  sessionId: string;
  reason: KickReason;
}

/**
 * Given the user's existing sessions and a new login, returns the sessions to kick.
 * `limits.web` / `limits.native` are instances allowed per platform.
 */
export function sessionsToKick(
  policy: MultiDevicePolicy,
  limits: { web: number; native: number },
  existing: readonly SessionRef[],
  incoming: { platform: string },
): KickDecision[] {
  const slot = slotOf(policy, incoming.platform);
  const perPlatform = incoming.platform === 'Web' ? limits.web : limits.native;
  const kicks: KickDecision[] = [];
  const samePlatform: SessionRef[] = [];
  for (const s of existing) {
    if (slotOf(policy, s.platform) !== slot) continue;
    if (s.platform === incoming.platform) samePlatform.push(s);
    else kicks.push({ sessionId: s.sessionId, reason: 'multipleDevice' });
  }
  // Same platform: keep the newest (limit - 1) so the new login fits.
  samePlatform.sort((a, b) => a.loginAt - b.loginAt);
  const excess = samePlatform.length - Math.max(0, perPlatform - 1);
  for (let i = 0; i < excess; i++) {
    const s = samePlatform[i]!;
    kicks.push({ sessionId: s.sessionId, reason: s.platform === 'Web' ? 'multipleAccount' : 'multipleDevice' });
  }
  return kicks;
}
