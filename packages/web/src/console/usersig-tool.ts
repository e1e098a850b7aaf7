/**
 * @module console/usersig-tool
 * Generate and check UserSigs, as Tencent's console does. v2 tickets are signed in this browser
 * (WebCrypto HMAC-SHA256 + CompressionStream); v1 (ECDSA) tickets are signed by the server with
 * the private key pasted here (used for that one call, never stored). Checking decodes the ticket
 * and verifies it with the key given, or with the app's own keys.
 */
import { clear, field, fmtTime, h } from '../shared/dom.ts';
import { genUserSigV2 } from '../shared/usersig.ts';
import type { Shell } from './main.ts';

interface CheckResult {
  decoded: { version: number; identifier: string; sdkAppId: number; time: number; expire: number; expiresAt: number; hasUserbuf: boolean } | null;
  ok: boolean;
  code?: number;
  reason?: string;
  keySource?: string;
}

export function renderUserSigTool(el: HTMLElement, shell: Shell): void {
  const { client } = shell;
  const sdk = h('input', { inputmode: 'numeric', value: String(shell.app?.sdkAppId ?? client.admin?.sdkAppId ?? '') });
  const ident = h('input', { value: 'user1', maxlength: '32' });
  const expire = h('input', { type: 'number', min: '1', value: String(180 * 86400) });
  const version = h('select', null, h('option', { value: '2' }, 'v2 (HMAC-SHA256, secret key)'), h('option', { value: '1' }, 'v1 (ECDSA, private key)'));
  const key = h('textarea', { class: 'mono', rows: '2', placeholder: 'Secret key (v2) or private key PEM (v1)' });
  const fill = h('button', { type: 'button', class: 'small secondary', onclick: async () => {
    const id = Number(sdk.value);
    if (client.admin?.secretKey && client.admin.sdkAppId === id) key.value = client.admin.secretKey;
    else {
      try {
        key.value = (await client.api<{ secretKey: string }>(`apps/${id}/secret`)).secretKey;
      } catch (e) {
        shell.toast((e as Error).message, 'error');
      }
    }
    version.value = '2';
  } }, 'Use this app\'s secret key');
  const out = h('textarea', { class: 'mono', rows: '4', readonly: true, id: 'usersig-out', 'aria-label': 'Generated UserSig' });
  const genStatus = h('p', { role: 'status', class: 'hint' });
  const gen = h('form', { class: 'card', onsubmit: async (e: Event) => {
    e.preventDefault();
    genStatus.textContent = '';
    const sdkAppId = Number(sdk.value);
    try {
      if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw new Error('SDKAppID must be a positive integer');
      if (!ident.value.trim()) throw new Error('UserID is required');
      if (!key.value.trim()) throw new Error('the key is required');
      out.value = version.value === '2'
        ? await genUserSigV2({ sdkAppId, secretKey: key.value.trim(), identifier: ident.value.trim(), expire: +expire.value })
        : (await client.api<{ userSig: string }>('usersig/v1', { method: 'POST', body: { sdkAppId, identifier: ident.value.trim(), expire: +expire.value, privateKeyPem: key.value.trim() } })).userSig;
      genStatus.textContent = `Valid until ${fmtTime(Math.floor(Date.now() / 1000) + +expire.value)}.`;
      out.select();
    } catch (e2) {
      genStatus.textContent = (e2 as Error).message;
      genStatus.className = 'error';
    }
  } }, h('h2', null, 'Generate a UserSig'),
  h('div', { class: 'grid3' }, field('SDKAppID', sdk), field('UserID', ident), field('Expire (seconds)', expire)),
  field('Version', version), field('Key', key), h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Generate'), fill),
  field('UserSig', out), h('div', { class: 'row' }, h('button', { type: 'button', class: 'small secondary', onclick: () => void navigator.clipboard?.writeText(out.value).then(() => shell.toast('Copied')) }, 'Copy')), genStatus);

  const ticket = h('textarea', { class: 'mono', rows: '4', placeholder: 'Paste a UserSig', 'aria-label': 'UserSig to check' });
  const checkKey = h('textarea', { class: 'mono', rows: '2', placeholder: 'Optional: secret key or public key PEM (default: the app\'s own keys)' });
  const result = h('div', { role: 'status', 'aria-live': 'polite' });
  const check = h('form', { class: 'card', onsubmit: async (e: Event) => {
    e.preventDefault();
    const k = checkKey.value.trim();
    try {
      const r = await client.api<CheckResult>('usersig/check', { method: 'POST', body: { userSig: ticket.value.trim(), ...(k && (k.includes('BEGIN') ? { publicKeyPem: k } : { secretKey: k })) } });
      const d = r.decoded;
      clear(result, h('p', { class: r.ok ? 'success verdict' : 'error verdict' }, r.ok ? '✔ Valid ticket' : `✘ ${r.reason ?? 'invalid'}${r.code ? ` (${r.code})` : ''}`),
        d ? h('dl', { class: 'kv' },
          h('dt', null, 'Version'), h('dd', null, `v${d.version}`), h('dt', null, 'SDKAppID'), h('dd', null, String(d.sdkAppId)),
          h('dt', null, 'UserID'), h('dd', null, d.identifier), h('dt', null, 'Issued'), h('dd', null, fmtTime(d.time)),
          h('dt', null, 'Expires'), h('dd', null, `${fmtTime(d.expiresAt)} (${d.expire} s)`), h('dt', null, 'Userbuf'), h('dd', null, d.hasUserbuf ? 'yes' : 'no'),
          h('dt', null, 'Checked with'), h('dd', null, r.keySource === 'app' ? 'the app\'s keys' : 'the key given')) : null);
    } catch (e2) {
      clear(result, h('p', { class: 'error' }, (e2 as Error).message));
    }
  } }, h('h2', null, 'Check a UserSig'), field('UserSig', ticket), field('Key', checkKey), h('button', { type: 'submit' }, 'Check'), result);
  el.append(h('div', { class: 'two-col' }, gen, check));
}
