/**
 * @module console/apps
 * Apps (operator): list, create (the v2 secret is shown; a v1 private key can be downloaded only
 * now), disable, delete. App settings: integration mode, keys (secret on demand, a new v1 pair),
 * admin accounts, multi-device policy, rate limits. Webhooks (settings.callback).
 */
import { clear, download, field, fmtTime, h } from '../shared/dom.ts';
import type { AppSettings, AppView } from './client.ts';
import type { Shell } from './main.ts';

const CALLBACK_COMMANDS = [
  'C2C.CallbackBeforeSendMsg', 'Group.CallbackBeforeSendMsg', 'C2C.CallbackAfterSendMsg', 'Group.CallbackAfterSendMsg',
  'Group.CallbackAfterCreateGroup', 'Group.CallbackAfterNewMemberJoin', 'Group.CallbackAfterMemberExit', 'Group.CallbackAfterGroupDestroyed',
  'State.StateChange',
];

function err(e: unknown): string {
  return (e as Error).message;
}

export async function renderApps(el: HTMLElement, shell: Shell): Promise<void> {
  const { client } = shell;
  await shell.refreshApps();
  const { apps } = await client.api<{ apps: AppView[] }>('apps');
  const result = h('div', { class: 'created', 'aria-live': 'polite' });
  const name = h('input', { maxlength: '64', required: true, placeholder: 'My shop' });
  const mode = h('select', null, h('option', { value: 'independent' }, 'Independent accounts (UserSig per user)'), h('option', { value: 'guest' }, 'Guest mode (anonymous viewers in live rooms)'));
  const curve = h('select', null, h('option', { value: '' }, 'No (v2 HMAC tickets only)'), h('option', { value: 'prime256v1' }, 'Yes, P-256 (prime256v1)'), h('option', { value: 'secp256k1' }, 'Yes, secp256k1'));
  const form = h('form', {
    class: 'card', onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        const r = await client.api<{ app: AppView; secretKey: string; v1PrivateKeyPem?: string }>('apps', { method: 'POST', body: { name: name.value, mode: mode.value, v1Curve: curve.value } });
        clear(result, h('div', { class: 'card highlight' },
          h('h2', null, `Created ${r.app.name}`),
          h('dl', { class: 'kv' }, h('dt', null, 'SDKAppID'), h('dd', { class: 'mono', 'data-testid': 'new-sdkappid' }, String(r.app.sdkAppId)),
            h('dt', null, 'Secret key (v2)'), h('dd', { class: 'mono secret' }, r.secretKey)),
          r.v1PrivateKeyPem
            ? h('p', null, h('button', { type: 'button', onclick: () => download(`parley-${r.app.sdkAppId}-v1-private.pem`, r.v1PrivateKeyPem!) }, 'Download v1 private key'),
              h('span', { class: 'hint' }, ' Only now: the server keeps the public key, never the private one.'))
            : null));
        shell.toast(`App ${r.app.sdkAppId} created`);
        name.value = '';
        await shell.refreshApps();
        await shell.setApp(r.app);
        renderList((await client.api<{ apps: AppView[] }>('apps')).apps);
      } catch (e2) {
        shell.toast(err(e2), 'error');
      }
    },
  }, h('h2', null, 'Create an app'), h('div', { class: 'grid3' }, field('Name', name), field('Integration mode', mode), field('Legacy v1 (ECDSA) key pair', curve)), h('button', { type: 'submit' }, 'Create app'));
  const list = h('div', { class: 'card' });
  function renderList(all: AppView[]): void {
    clear(list, h('h2', null, `Apps (${all.length})`), all.length === 0 ? h('p', { class: 'empty' }, 'No apps yet.') : h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['SDKAppID', 'Name', 'Mode', 'Admins', 'Created', 'State', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, all.map((a) => h('tr', null,
        h('td', { class: 'mono' }, String(a.sdkAppId)), h('td', null, a.name), h('td', null, a.mode), h('td', null, a.admins.join(', ')),
        h('td', null, fmtTime(a.createdAt)), h('td', null, a.disabled ? h('span', { class: 'pill off' }, 'disabled') : h('span', { class: 'pill on' }, 'active')),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'small', onclick: async () => { await shell.setApp(a); shell.go('settings'); } }, 'Open'),
          h('button', { type: 'button', class: 'small secondary', onclick: async () => {
            await client.api(`apps/${a.sdkAppId}/disabled`, { method: 'POST', body: { disabled: !a.disabled } });
            renderList((await client.api<{ apps: AppView[] }>('apps')).apps);
          } }, a.disabled ? 'Enable' : 'Disable'),
          h('button', { type: 'button', class: 'small danger', onclick: async () => {
            if (!confirm(`Delete app ${a.sdkAppId} (${a.name})? Its users and messages become unreachable.`)) return;
            await client.api(`apps/${a.sdkAppId}`, { method: 'DELETE' });
            if (shell.app?.sdkAppId === a.sdkAppId) await shell.setApp(undefined);
            await shell.refreshApps();
            renderList((await client.api<{ apps: AppView[] }>('apps')).apps);
          } }, 'Delete'))))))));
  }
  renderList(apps);
  el.append(form, result, list);
}

export async function renderSettings(el: HTMLElement, shell: Shell): Promise<void> {
  const { client } = shell;
  const app = (await client.api<{ app: AppView }>(`apps/${shell.app!.sdkAppId}`)).app;
  const s = app.settings;
  // --- overview and keys
  const secret = h('dd', { class: 'mono secret' }, '••••••••••••••••');
  const reveal = h('button', { type: 'button', class: 'small secondary', 'aria-expanded': 'false', onclick: async () => {
    if (reveal.getAttribute('aria-expanded') === 'true') {
      secret.textContent = '••••••••••••••••';
      reveal.setAttribute('aria-expanded', 'false');
      reveal.textContent = 'Show secret key';
      return;
    }
    const r = await client.api<{ secretKey: string }>(`apps/${app.sdkAppId}/secret`);
    secret.textContent = r.secretKey;
    reveal.setAttribute('aria-expanded', 'true');
    reveal.textContent = 'Hide';
  } }, 'Show secret key');
  const v1Curve = h('select', { 'aria-label': 'Curve' }, h('option', { value: 'prime256v1' }, 'P-256'), h('option', { value: 'secp256k1' }, 'secp256k1'));
  const keys = h('section', { class: 'card' }, h('h2', null, 'App and keys'),
    h('dl', { class: 'kv' },
      h('dt', null, 'SDKAppID'), h('dd', { class: 'mono' }, String(app.sdkAppId)),
      h('dt', null, 'Name'), h('dd', null, app.name),
      h('dt', null, 'Integration mode'), h('dd', null, app.mode === 'guest' ? 'Guest mode (anonymous live-room viewers)' : 'Independent accounts'),
      h('dt', null, 'Created'), h('dd', null, fmtTime(app.createdAt)),
      h('dt', null, 'Secret key (v2)'), secret,
      h('dt', null, 'v1 public key'), h('dd', null, app.hasV1Key ? h('details', null, h('summary', null, 'Registered (ECDSA)'), h('pre', { class: 'mono' }, app.publicKeyPem ?? '')) : 'None')),
    h('div', { class: 'row' }, reveal, v1Curve, h('button', { type: 'button', class: 'small secondary', onclick: async () => {
      if (app.hasV1Key && !confirm('Replace the v1 key pair? Tickets signed with the old private key stop working.')) return;
      const r = await client.api<{ privateKeyPem: string }>(`apps/${app.sdkAppId}/v1-key`, { method: 'POST', body: { curve: v1Curve.value } });
      download(`parley-${app.sdkAppId}-v1-private.pem`, r.privateKeyPem);
      shell.toast('New v1 key pair: the private key was downloaded and is not kept by the server');
      await shell.refreshApps();
      shell.go('settings');
    } }, app.hasV1Key ? 'Replace v1 key pair' : 'Generate v1 key pair')));

  // --- admins
  const adminList = h('ul', { class: 'chips', 'aria-label': 'Admin accounts' });
  const newAdmin = h('input', { maxlength: '32', placeholder: 'UserID', 'aria-label': 'New admin UserID' });
  let admins = [...app.admins];
  const saveAdmins = async (next: string[]): Promise<void> => {
    try {
      admins = (await client.api<{ app: AppView }>(`apps/${app.sdkAppId}/admins`, { method: 'PUT', body: { admins: next } })).app.admins;
      drawAdmins();
      shell.toast('Admins saved');
    } catch (e) {
      shell.toast(err(e), 'error');
    }
  };
  function drawAdmins(): void {
    clear(adminList, admins.map((a) => h('li', { class: 'chip' }, a, h('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove admin ${a}`, disabled: admins.length === 1, onclick: () => void saveAdmins(admins.filter((x) => x !== a)) }, '×'))));
  }
  drawAdmins();
  const adminsCard = h('section', { class: 'card' }, h('h2', null, 'Admin accounts'), h('p', { class: 'hint' }, 'Admins sign REST calls and act with owner rights in every group (at most 10).'), adminList,
    h('form', { class: 'row', onsubmit: (e: Event) => { e.preventDefault(); if (newAdmin.value.trim()) void saveAdmins([...admins, newAdmin.value.trim()]).then(() => (newAdmin.value = '')); } }, newAdmin, h('button', { type: 'submit', class: 'small' }, 'Add admin')));

  // --- policy and limits
  const policy = h('select', null, ...([['single', 'Single device: one login at a time'], ['dual', 'Dual: one mobile/PC + Web'], ['triple', 'Triple: mobile + PC + Web'], ['multi', 'Multiple: several per platform']] as const).map(([v, t]) => h('option', { value: v }, t)));
  policy.value = s.multiDevicePolicy;
  const num = (v: number, min: number, max: number): HTMLInputElement => h('input', { type: 'number', min: String(min), max: String(max), value: String(v), required: true });
  const web = num(s.maxInstancesPerPlatform.web, 1, 10);
  const native = num(s.maxInstancesPerPlatform.native, 1, 3);
  const crps = num(s.clientRequestsPerSecond, 1, 10000);
  const rmps = num(s.roomMessagesPerSecond, 1, 100000);
  const like = num(s.likeFlushMs, 50, 60000);
  const hist = num(s.roomHistoryOnJoin, 0, 100);
  const recall = num(s.recallWindowSeconds, 0, 604800);
  const status = h('p', { role: 'status', class: 'hint' });
  const limits = h('form', {
    class: 'card', onsubmit: async (e: Event) => {
      e.preventDefault();
      const patch: Partial<AppSettings> = {
        multiDevicePolicy: policy.value, maxInstancesPerPlatform: { web: +web.value, native: +native.value }, clientRequestsPerSecond: +crps.value,
        roomMessagesPerSecond: +rmps.value, likeFlushMs: +like.value, roomHistoryOnJoin: +hist.value, recallWindowSeconds: +recall.value,
      };
      try {
        await client.api(`apps/${app.sdkAppId}/settings`, { method: 'PATCH', body: patch });
        status.textContent = 'Saved.';
        shell.toast('Settings saved');
      } catch (e2) {
        status.textContent = err(e2);
        shell.toast(err(e2), 'error');
      }
    },
  }, h('h2', null, 'Login policy and rate limits'),
  h('div', { class: 'grid3' },
    field('Multi-device policy', policy), field('Web instances per user', web, '1–10'), field('Native instances per platform', native, '1–3'),
    field('Client requests per second', crps, 'per connection'), field('Live-room messages per second', rmps, 'per room; above it Low then Normal are shed'),
    field('Like broadcast interval (ms)', like), field('Live-room history on join', hist, 'messages replayed to a joiner, 0–100'), field('Recall window (s)', recall)),
  h('button', { type: 'submit' }, 'Save settings'), status);
  el.append(keys, adminsCard, limits);
}

export async function renderCallbacks(el: HTMLElement, shell: Shell): Promise<void> {
  const { client } = shell;
  const app = (await client.api<{ app: AppView }>(`apps/${shell.app!.sdkAppId}`)).app;
  const cb = app.settings.callback;
  const url = h('input', { type: 'url', placeholder: 'https://example.com/im-callback', value: cb?.url ?? '' });
  const token = h('input', { type: 'password', autocomplete: 'off', value: cb?.token ?? '', placeholder: 'optional' });
  const policy = h('select', null, h('option', { value: 'deliver' }, 'Deliver the message (Tencent default)'), h('option', { value: 'refuse' }, 'Refuse the message (80003)'));
  policy.value = cb?.beforeSendFailurePolicy ?? 'deliver';
  const retry = h('input', { type: 'checkbox', checked: cb?.afterRetry ?? false, id: 'cb-retry' });
  const timeout = h('input', { type: 'number', min: '100', max: '10000', value: String(cb?.timeoutMs ?? 2000) });
  const boxes = CALLBACK_COMMANDS.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: c, checked: cb?.enabled.includes(c) ?? false }), ` ${c}`));
  const status = h('p', { role: 'status', class: 'hint' });
  el.append(h('form', {
    class: 'card', onsubmit: async (e: Event) => {
      e.preventDefault();
      const enabled = boxes.map((b) => b.querySelector('input')!).filter((i) => i.checked).map((i) => i.value);
      try {
        await client.api(`apps/${app.sdkAppId}/settings`, { method: 'PATCH', body: { callback: { url: url.value.trim(), token: token.value, enabled, beforeSendFailurePolicy: policy.value, afterRetry: retry.checked, timeoutMs: +timeout.value } } });
        status.textContent = 'Saved.';
        shell.toast('Webhook settings saved');
      } catch (e2) {
        status.textContent = err(e2);
      }
    },
  }, h('h2', null, 'Webhook (callback) settings'),
  h('p', { class: 'hint' }, 'Parley POSTs Tencent-format callbacks to this URL; with a token, requests carry Sign = sha256(token + RequestTime).'),
  field('Callback URL', url), h('div', { class: 'grid3' }, field('Token', token), field('When a before-send webhook fails', policy), field('Timeout (ms)', timeout)),
  h('label', { class: 'check' }, retry, ' Retry after-event webhooks that time out'),
  h('fieldset', null, h('legend', null, 'Enabled callbacks'), h('div', { class: 'checks' }, boxes)),
  h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Save webhooks'),
    h('button', { type: 'button', class: 'secondary', onclick: async () => {
      await client.api(`apps/${app.sdkAppId}/settings`, { method: 'PATCH', body: { callback: null } });
      shell.toast('Webhooks removed');
      shell.go('callbacks');
    } }, 'Remove all')), status));
}
