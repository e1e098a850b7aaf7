/**
 * @module console/main
 * The admin console (`/console/`). Sign in as the operator (console password) or as an app admin
 * (SDKAppID + the secret key, from which the page signs an admin UserSig with WebCrypto, or a
 * ready UserSig). Sections: apps, app settings (keys, admins, multi-device policy, rate limits),
 * webhooks, sensitive words, users, groups, the UserSig tool and live statistics.
 */
import '../shared/base.css';
import './console.css';
import { $, clear, field, h } from '../shared/dom.ts';
import { genUserSigV2 } from '../shared/usersig.ts';
import { ConsoleClient, type AppView } from './client.ts';
import { renderApps, renderSettings, renderCallbacks } from './apps.ts';
import { renderWords, renderUsers, renderGroups } from './directory.ts';
import { renderUserSigTool } from './usersig-tool.ts';
import { renderStats } from './stats.ts';

export interface Shell {
  client: ConsoleClient;
  /** The app being administered (operator: chosen in the header; app admin: theirs). */
  app: AppView | undefined;
  setApp(app: AppView | undefined): Promise<void>;
  refreshApps(): Promise<void>;
  toast(text: string, kind?: 'ok' | 'error'): void;
  go(section: string): void;
}

const root = $('#app');
const client = new ConsoleClient();

type Section = { id: string; label: string; needsApp: boolean; operatorOnly?: boolean; render: (el: HTMLElement, shell: Shell) => Promise<void> | void };
const SECTIONS: Section[] = [
  { id: 'apps', label: 'Apps', needsApp: false, operatorOnly: true, render: renderApps },
  { id: 'settings', label: 'App settings', needsApp: true, render: renderSettings },
  { id: 'callbacks', label: 'Webhooks', needsApp: true, render: renderCallbacks },
  { id: 'words', label: 'Sensitive words', needsApp: true, render: renderWords },
  { id: 'users', label: 'Users', needsApp: true, render: renderUsers },
  { id: 'groups', label: 'Groups', needsApp: true, render: renderGroups },
  { id: 'usersig', label: 'UserSig tool', needsApp: false, render: renderUserSigTool },
  { id: 'stats', label: 'Live statistics', needsApp: false, render: renderStats },
];

// ------------------------------------------------------------------ sign-in

function signInScreen(message = ''): void {
  document.title = 'Sign in · Parley Console';
  let mode: 'operator' | 'admin' = 'operator';
  const password = h('input', { type: 'password', autocomplete: 'current-password' });
  const sdk = h('input', { inputmode: 'numeric', autocomplete: 'off', placeholder: '1400000000' });
  const ident = h('input', { autocomplete: 'username', value: 'administrator' });
  const key = h('input', { type: 'password', autocomplete: 'off', placeholder: '64 hex characters' });
  const sig = h('textarea', { class: 'mono', rows: '3', placeholder: 'or paste an admin UserSig' });
  const status = h('p', { class: 'error', role: 'alert' }, message);
  const opPanel = h('div', { role: 'tabpanel', id: 'p-op', 'aria-labelledby': 't-op' }, field('Console password', password, 'Operators manage every app. Set the password with `npm run console-password -w packages/web`.'));
  const adPanel = h('div', { role: 'tabpanel', id: 'p-ad', 'aria-labelledby': 't-ad', hidden: true },
    field('SDKAppID', sdk), field('Admin UserID', ident), field('Secret key', key, 'Used in this browser only, to sign an admin UserSig (HMAC-SHA256). Never sent.'), field('Admin UserSig', sig));
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Sign in as' });
  const select = (m: 'operator' | 'admin'): void => {
    mode = m;
    for (const t of tabs.children) {
      const on = (t.id === 't-op') === (m === 'operator');
      t.setAttribute('aria-selected', String(on));
      t.setAttribute('tabindex', on ? '0' : '-1');
    }
    opPanel.hidden = m !== 'operator';
    adPanel.hidden = m !== 'admin';
  };
  for (const [id, label, m] of [['t-op', 'Operator', 'operator'], ['t-ad', 'App admin', 'admin']] as const) {
    tabs.append(h('button', {
      type: 'button', role: 'tab', id, 'aria-controls': m === 'operator' ? 'p-op' : 'p-ad', onclick: () => select(m),
      onkeydown: (e: KeyboardEvent) => {
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        select(mode === 'operator' ? 'admin' : 'operator');
        $(mode === 'operator' ? '#t-op' : '#t-ad').focus();
      },
    }, label));
  }
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', {
    onsubmit: async (e: Event) => {
      e.preventDefault();
      status.textContent = '';
      submit.disabled = true;
      try {
        if (mode === 'operator') {
          await client.api('login', { method: 'POST', body: { password: password.value } });
          client.operator = true;
        } else {
          const id = Number(sdk.value.trim());
          if (!Number.isInteger(id) || id <= 0) throw new Error('Enter the SDKAppID.');
          const identifier = ident.value.trim() || 'administrator';
          const secretKey = key.value.trim();
          const userSig = secretKey ? await genUserSigV2({ sdkAppId: id, secretKey, identifier, expire: 12 * 3600 }) : sig.value.trim();
          if (!userSig) throw new Error('Enter the secret key or an admin UserSig.');
          client.operator = false;
          client.admin = { sdkAppId: id, identifier, userSig, ...(secretKey && { secretKey }) };
          await client.api(`apps/${id}`);
        }
        await startShell();
      } catch (err) {
        client.admin = undefined;
        status.textContent = (err as Error).message;
        submit.disabled = false;
      }
    },
  }, tabs, opPanel, adPanel, status, submit);
  clear(root, h('main', { class: 'signin' }, h('section', { class: 'card signin-card', 'aria-labelledby': 'si-title' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), ' Parley Console'),
    h('h1', { id: 'si-title' }, 'Sign in'), form)));
  root.removeAttribute('aria-busy');
  select('operator');
  password.focus();
}

// ------------------------------------------------------------------ shell

async function startShell(): Promise<void> {
  const nav = h('nav', { class: 'sidenav', 'aria-label': 'Sections' });
  const main = h('main', { class: 'content', id: 'content', tabindex: '-1' });
  const appSelect = h('select', { id: 'app-select', 'aria-label': 'Current app' });
  const who = h('span', { class: 'who' });
  const toastEl = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  let current = client.operator ? 'apps' : 'settings';
  let apps: AppView[] = [];
  let timer = 0;

  const shell: Shell = {
    client,
    app: undefined,
    async setApp(app) {
      shell.app = app;
      if (app && client.operator) await client.useApp(app);
      appSelect.value = app ? String(app.sdkAppId) : '';
      renderNav();
    },
    async refreshApps() {
      if (client.operator) {
        apps = (await client.api<{ apps: AppView[] }>('apps')).apps;
      } else if (client.admin) {
        apps = [(await client.api<{ app: AppView }>(`apps/${client.admin.sdkAppId}`)).app];
      }
      clear(appSelect, h('option', { value: '' }, apps.length ? 'Choose an app…' : 'No apps yet'), apps.map((a) => h('option', { value: String(a.sdkAppId) }, `${a.name} · ${a.sdkAppId}`)));
      if (shell.app) {
        shell.app = apps.find((a) => a.sdkAppId === shell.app!.sdkAppId);
        appSelect.value = shell.app ? String(shell.app.sdkAppId) : '';
      }
    },
    toast(text, kind = 'ok') {
      toastEl.textContent = text;
      toastEl.className = `toast show ${kind}`;
      clearTimeout(timer);
      timer = window.setTimeout(() => (toastEl.className = 'toast'), 4000);
    },
    go(section) {
      current = section;
      renderNav();
      void renderSection();
    },
  };

  appSelect.addEventListener('change', async () => {
    const app = apps.find((a) => String(a.sdkAppId) === appSelect.value);
    await shell.setApp(app);
    if (current === 'apps' && app) current = 'settings';
    shell.go(current);
  });

  function renderNav(): void {
    clear(nav, h('ul', null, SECTIONS.filter((s) => !s.operatorOnly || client.operator).map((s) => h('li', null,
      h('button', { type: 'button', class: 'navbtn', 'aria-current': s.id === current ? 'page' : undefined, 'data-section': s.id, onclick: () => shell.go(s.id) }, s.label)))));
    nav.querySelector('[aria-current=page]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  async function renderSection(): Promise<void> {
    const s = SECTIONS.find((x) => x.id === current)!;
    document.title = `${s.label} · Parley Console`;
    clear(main, h('h1', null, s.label));
    if (s.needsApp && !shell.app) {
      main.append(h('p', { class: 'empty' }, client.operator ? 'Choose an app in the header (or create one under Apps) first.' : 'No app.'));
      return;
    }
    const body = h('div', { class: 'section-body' });
    main.append(body);
    try {
      await s.render(body, shell);
    } catch (err) {
      body.append(h('p', { class: 'error', role: 'alert' }, (err as Error).message));
    }
  }

  who.textContent = client.operator ? 'Operator' : `${client.admin!.identifier} @ ${client.admin!.sdkAppId}`;
  clear(root, h('div', { class: 'shell' },
    h('header', { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), h('span', { class: 'brand-text' }, ' Parley Console')),
      h('div', { class: 'app-pick' }, appSelect),
      who,
      h('button', { type: 'button', class: 'secondary small', onclick: async () => {
        if (client.operator) await client.api('logout', { method: 'POST' }).catch(() => {});
        client.operator = false;
        client.admin = undefined;
        signInScreen();
      } }, 'Sign out')),
    h('div', { class: 'body' }, nav, main), toastEl));
  await shell.refreshApps();
  if (!client.operator) {
    appSelect.disabled = true;
    shell.app = apps[0];
    appSelect.value = String(shell.app?.sdkAppId ?? '');
  }
  renderNav();
  await renderSection();
}

// ------------------------------------------------------------------ start

const session = await client.api<{ operator: boolean }>('session').catch(() => ({ operator: false }));
if (session.operator) {
  client.operator = true;
  await startShell();
} else signInScreen();
