/**
 * @module console/client
 * How the console talks to the server: the operator API (`/console/api/...`, session cookie or the
 * app-admin headers) and Tencent's REST API v4 (`/v4/...`), signed as the current app's admin
 * with a UserSig made in the browser.
 */
import { genUserSigV2 } from '../shared/usersig.ts';

export interface AppSettings {
  multiDevicePolicy: string;
  maxInstancesPerPlatform: { web: number; native: number };
  recallWindowSeconds: number;
  roomMessagesPerSecond: number;
  likeFlushMs: number;
  roomHistoryOnJoin: number;
  clientRequestsPerSecond: number;
  callback?: { url: string; token?: string; enabled: string[]; beforeSendFailurePolicy: 'deliver' | 'refuse'; afterRetry: boolean; timeoutMs?: number };
}

export interface AppView {
  sdkAppId: number;
  name: string;
  mode: string;
  admins: string[];
  settings: AppSettings;
  createdAt: number;
  disabled: boolean;
  hasV1Key: boolean;
  publicKeyPem?: string;
}

export interface AdminCreds {
  sdkAppId: number;
  identifier: string;
  userSig: string;
  /** Known when the console signed the ticket itself (operator, or an admin who entered the key). */
  secretKey?: string;
}

export class ConsoleClient {
  operator = false;
  admin: AdminCreds | undefined;

  async api<T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (init.body !== undefined || (init.method && init.method !== 'GET')) headers['content-type'] = 'application/json';
    if (this.admin && !this.operator) {
      headers['x-parley-sdkappid'] = String(this.admin.sdkAppId);
      headers['x-parley-identifier'] = this.admin.identifier;
      headers['x-parley-usersig'] = this.admin.userSig;
    }
    const res = await fetch(`/console/api/${path}`, {
      method: init.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : init.method && init.method !== 'GET' ? { body: '{}' } : {}),
    });
    const body = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
    return body;
  }

  /** A Tencent REST call as the current app's admin; a FAIL answer throws with its code. */
  async rest<T = Record<string, unknown>>(command: string, body: Record<string, unknown> = {}): Promise<T> {
    const a = this.admin;
    if (!a) throw new Error('choose an app first');
    const q = new URLSearchParams({ sdkappid: String(a.sdkAppId), identifier: a.identifier, usersig: a.userSig, random: String(Math.floor(Math.random() * 2 ** 32)), contenttype: 'json' });
    const res = await fetch(`/v4/${command}?${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const out = (await res.json()) as T & { ActionStatus?: string; ErrorCode?: number; ErrorInfo?: string };
    if (out.ActionStatus !== 'OK') throw new Error(`${out.ErrorInfo || 'failed'} (${out.ErrorCode})`);
    return out;
  }

  /** Operator: act as `app`'s first admin with a fresh ticket signed from its secret key. */
  async useApp(app: AppView): Promise<void> {
    const { secretKey } = await this.api<{ secretKey: string }>(`apps/${app.sdkAppId}/secret`);
    const identifier = app.admins[0]!;
    this.admin = { sdkAppId: app.sdkAppId, identifier, secretKey, userSig: await genUserSigV2({ sdkAppId: app.sdkAppId, secretKey, identifier, expire: 12 * 3600 }) };
  }
}
