/**
 * @module console/directory
 * Sensitive words, users and groups: everything here is Tencent's REST API v4, called from the page
 * as the app admin (openim_dirty_words/*, im_open_login_svc/*, openim/*, openconfigsvr/*,
 * profile/*, group_open_http_svc/*).
 */
import { clear, field, fmtTime, h } from '../shared/dom.ts';
import type { Shell } from './main.ts';

function err(e: unknown): string {
  return (e as Error).message;
}

function random32(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

// ------------------------------------------------------------------ sensitive words

export async function renderWords(el: HTMLElement, shell: Shell): Promise<void> {
  const { client } = shell;
  const list = h('ul', { class: 'chips', 'aria-label': 'Sensitive words' });
  const input = h('textarea', { rows: '2', placeholder: 'One word or phrase per line (or comma-separated)' });
  const status = h('p', { role: 'status', class: 'hint' });
  async function load(): Promise<void> {
    const r = await client.rest<{ DirtyWordsList?: string[] }>('openim_dirty_words/get');
    const words = r.DirtyWordsList ?? [];
    clear(list, words.length === 0 ? h('li', { class: 'empty' }, 'No custom sensitive words.') : words.map((w) => h('li', { class: 'chip' }, w,
      h('button', { type: 'button', class: 'chip-x', 'aria-label': `Delete ${w}`, onclick: async () => {
        await client.rest('openim_dirty_words/delete', { DirtyWordsList: [w] }).catch((e) => shell.toast(err(e), 'error'));
        await load();
      } }, '×'))));
  }
  el.append(h('section', { class: 'card' }, h('h2', null, 'Custom sensitive words'),
    h('p', { class: 'hint' }, 'Messages containing these are refused (80001), in C2C, groups and live rooms. Changes apply to the next message.'),
    list,
    h('form', { onsubmit: async (e: Event) => {
      e.preventDefault();
      const words = input.value.split(/[\n,]/).map((w) => w.trim()).filter(Boolean);
      if (words.length === 0) return;
      try {
        await client.rest('openim_dirty_words/add', { DirtyWordsList: words });
        input.value = '';
        status.textContent = `Added ${words.length}.`;
        shell.toast(`Added ${words.length} sensitive word${words.length === 1 ? '' : 's'}`);
      } catch (e2) {
        status.textContent = err(e2);
      }
      await load();
    } }, field('Add words', input), h('button', { type: 'submit' }, 'Add'), status)));
  await load();
}

// ------------------------------------------------------------------ users

export function renderUsers(el: HTMLElement, shell: Shell): void {
  const { client } = shell;
  const q = h('input', { placeholder: 'alice, bob', autocomplete: 'off', 'aria-label': 'UserIDs' });
  const out = h('div', { class: 'results' });
  el.append(h('form', { class: 'card row', onsubmit: (e: Event) => { e.preventDefault(); void search(); } },
    h('label', { class: 'grow' }, h('span', { class: 'visually-hidden' }, 'UserIDs'), q), h('button', { type: 'submit' }, 'Look up')), out);
  q.focus();

  async function search(): Promise<void> {
    const ids = [...new Set(q.value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))].slice(0, 100);
    if (ids.length === 0) return;
    clear(out, h('p', { class: 'hint' }, 'Looking up…'));
    try {
      const check = await client.rest<{ ResultItem: { UserID: string; AccountStatus: string }[] }>('im_open_login_svc/account_check', { CheckItem: ids.map((UserID) => ({ UserID })) });
      const existing = check.ResultItem.filter((r) => r.AccountStatus === 'Imported').map((r) => r.UserID);
      const online = existing.length ? await client.rest<{ QueryResult: { To_Account: string; Status: string; Detail?: { Platform: string; Status: string }[] }[] }>('openim/query_online_status', { To_Account: existing, IsNeedDetail: 1 }) : { QueryResult: [] };
      const profiles = existing.length ? await client.rest<{ UserProfileItem?: { To_Account: string; ProfileItem?: { Tag: string; Value: unknown }[] }[] }>('profile/portrait_get', { To_Account: existing, TagList: ['Tag_Profile_IM_Nick'] }).catch(() => ({ UserProfileItem: [] })) : { UserProfileItem: [] };
      clear(out, check.ResultItem.map((r) => {
        const st = online.QueryResult.find((x) => x.To_Account === r.UserID);
        const nick = profiles.UserProfileItem?.find((p) => p.To_Account === r.UserID)?.ProfileItem?.find((t) => t.Tag === 'Tag_Profile_IM_Nick')?.Value;
        return userCard(r.UserID, r.AccountStatus === 'Imported', String(nick ?? ''), st?.Status ?? 'Offline', st?.Detail ?? []);
      }));
    } catch (e) {
      clear(out, h('p', { class: 'error', role: 'alert' }, err(e)));
    }
  }

  function userCard(userID: string, exists: boolean, nick: string, status: string, detail: { Platform: string; Status: string }[]): HTMLElement {
    if (!exists) return h('section', { class: 'card' }, h('h2', null, userID), h('p', { class: 'hint' }, 'No such account.'));
    const notice = h('input', { placeholder: 'System notice text', 'aria-label': `Notice to ${userID}` });
    const minutes = h('input', { type: 'number', min: '0', value: '10', 'aria-label': 'Mute minutes', class: 'narrow' });
    return h('section', { class: 'card user' },
      h('div', { class: 'row' }, h('h2', { class: 'grow' }, userID, nick ? h('span', { class: 'hint' }, ` · ${nick}`) : null),
        h('span', { class: `pill ${status === 'Online' ? 'on' : status === 'PushOnline' ? 'warn' : 'off'}` }, status)),
      detail.length ? h('p', { class: 'hint' }, detail.map((d) => `${d.Platform}: ${d.Status}`).join(' · ')) : null,
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'danger small', onclick: async () => {
          try {
            await client.rest('im_open_login_svc/kick', { UserID: userID });
            shell.toast(`${userID} was signed out everywhere`);
          } catch (e) {
            shell.toast(err(e), 'error');
          }
        } }, 'Kick (sign out)'),
        minutes, h('button', { type: 'button', class: 'secondary small', onclick: async () => {
          const secs = Math.max(0, Math.round(+minutes.value * 60));
          try {
            await client.rest('openconfigsvr/setnospeaking', { Set_Account: userID, C2CmsgNospeakingTime: secs, GroupmsgNospeakingTime: secs });
            shell.toast(secs ? `${userID} muted for ${minutes.value} min (all chats)` : `${userID} unmuted`);
          } catch (e) {
            shell.toast(err(e), 'error');
          }
        } }, 'Mute everywhere (0 = unmute)')),
      h('form', { class: 'row', onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!notice.value.trim()) return;
        try {
          await client.rest('openim/sendmsg', { SyncOtherMachine: 2, To_Account: userID, MsgRandom: random32(), MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: notice.value.trim() } }] });
          notice.value = '';
          shell.toast(`Notice sent to ${userID}`);
        } catch (e2) {
          shell.toast(err(e2), 'error');
        }
      } }, h('span', { class: 'grow' }, notice), h('button', { type: 'submit', class: 'small' }, 'Send notice')));
  }
}

// ------------------------------------------------------------------ groups

interface GroupInfo {
  GroupId: string;
  Name?: string;
  Type?: string;
  MemberNum?: number;
  Owner_Account?: string;
  CreateTime?: number;
  ErrorCode?: number;
}

export async function renderGroups(el: HTMLElement, shell: Shell): Promise<void> {
  const { client } = shell;
  const filter = h('input', { type: 'search', placeholder: 'Filter by ID or name', 'aria-label': 'Filter groups' });
  const byId = h('input', { placeholder: 'Group ID', 'aria-label': 'Open group by ID' });
  const table = h('div', { class: 'table-wrap' });
  const detail = h('div', { class: 'group-detail' });
  let groups: GroupInfo[] = [];
  el.append(h('section', { class: 'card' },
    h('div', { class: 'row' }, h('span', { class: 'grow' }, filter),
      h('form', { class: 'row', onsubmit: (e: Event) => { e.preventDefault(); if (byId.value.trim()) void open(byId.value.trim()); } }, byId, h('button', { type: 'submit', class: 'small' }, 'Open'))),
    table), detail);
  filter.addEventListener('input', draw);

  function draw(): void {
    const f = filter.value.trim().toLowerCase();
    const rows = groups.filter((g) => !f || g.GroupId.toLowerCase().includes(f) || (g.Name ?? '').toLowerCase().includes(f));
    clear(table, rows.length === 0 ? h('p', { class: 'empty' }, groups.length ? 'No group matches.' : 'No groups yet.') : h('table', null,
      h('thead', null, h('tr', null, ['Group ID', 'Name', 'Type', 'Members', 'Owner', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map((g) => h('tr', null, h('td', { class: 'mono' }, g.GroupId), h('td', null, g.Name ?? ''), h('td', null, g.Type ?? ''),
        h('td', null, g.Type === 'AVChatRoom' ? '—' : String(g.MemberNum ?? '')), h('td', null, g.Owner_Account ?? ''),
        h('td', null, h('button', { type: 'button', class: 'small', onclick: () => void open(g.GroupId) }, 'View')))))));
  }

  async function open(groupId: string): Promise<void> {
    clear(detail, h('p', { class: 'hint' }, 'Loading…'));
    try {
      const info = (await client.rest<{ GroupInfo: (GroupInfo & { MemberList?: { Member_Account: string; Role: string; ShutUpUntil?: number; MuteUntil?: number }[] })[] }>('group_open_http_svc/get_group_info', { GroupIdList: [groupId] })).GroupInfo[0]!;
      if (info.ErrorCode) throw new Error(`group ${groupId}: error ${info.ErrorCode}`);
      const live = info.Type === 'AVChatRoom' || info.Type === 'BChatRoom';
      const members = h('div', { class: 'table-wrap' });
      const notice = h('input', { placeholder: 'System notice text', 'aria-label': 'Group system notice' });
      const card = h('section', { class: 'card', 'aria-label': `Group ${groupId}` },
        h('div', { class: 'row' }, h('h2', { class: 'grow' }, info.Name ?? groupId, h('span', { class: 'hint mono' }, ` ${groupId}`)), h('span', { class: 'pill' }, info.Type ?? ''),
          h('button', { type: 'button', class: 'danger small', onclick: async () => {
            if (!confirm(`Dismiss ${groupId}? Members are removed and the group is deleted.`)) return;
            try {
              await client.rest('group_open_http_svc/destroy_group', { GroupId: groupId });
              shell.toast(`${groupId} dismissed`);
              clear(detail);
              await loadList();
            } catch (e) {
              shell.toast(err(e), 'error');
            }
          } }, 'Dismiss group')),
        info.CreateTime ? h('p', { class: 'hint' }, `Created ${fmtTime(info.CreateTime)} · owner ${info.Owner_Account || '—'}`) : null,
        h('form', { class: 'row', onsubmit: async (e: Event) => {
          e.preventDefault();
          if (!notice.value.trim()) return;
          try {
            if (live) await client.rest('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: random32(), MsgPriority: 'High', MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: notice.value.trim() } }] });
            else await client.rest('group_open_http_svc/send_group_system_notification', { GroupId: groupId, Content: notice.value.trim() });
            notice.value = '';
            shell.toast('Notice sent');
          } catch (e2) {
            shell.toast(err(e2), 'error');
          }
        } }, h('span', { class: 'grow' }, notice), h('button', { type: 'submit', class: 'small' }, live ? 'Send admin message' : 'Send system notice')),
        h('h3', null, live ? 'Live room' : `Members (${info.MemberNum ?? info.MemberList?.length ?? 0})`), members);
      clear(detail, card);
      if (live) {
        const n = await client.rest<{ OnlineMemberNum: number }>('group_open_http_svc/get_online_member_num', { GroupId: groupId }).catch(() => ({ OnlineMemberNum: 0 }));
        clear(members, h('p', null, `${n.OnlineMemberNum} online now. Live rooms keep no member list; mute a user by ID:`), muteForm(groupId));
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const list = info.MemberList ?? [];
      clear(members, h('table', null, h('thead', null, h('tr', null, ['Member', 'Role', 'Muted until', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, list.map((m) => {
          const until = m.MuteUntil ?? m.ShutUpUntil ?? 0;
          return h('tr', null, h('td', null, m.Member_Account), h('td', null, m.Role), h('td', null, until > now ? fmtTime(until) : '—'),
            h('td', { class: 'actions' },
              h('button', { type: 'button', class: 'small secondary', onclick: () => void mute(groupId, m.Member_Account, until > now ? 0 : 600) }, until > now ? 'Unmute' : 'Mute 10 min'),
              m.Role === 'Owner' ? null : h('button', { type: 'button', class: 'small danger', onclick: async () => {
                try {
                  await client.rest('group_open_http_svc/delete_group_member', { GroupId: groupId, MemberToDel_Account: [m.Member_Account] });
                  shell.toast(`${m.Member_Account} removed`);
                  await open(groupId);
                } catch (e) {
                  shell.toast(err(e), 'error');
                }
              } }, 'Remove')));
        }))), muteForm(groupId));
    } catch (e) {
      clear(detail, h('p', { class: 'error', role: 'alert' }, err(e)));
    }
  }

  function muteForm(groupId: string): HTMLElement {
    const who = h('input', { placeholder: 'UserID', 'aria-label': 'UserID to mute' });
    const mins = h('input', { type: 'number', min: '0', value: '10', class: 'narrow', 'aria-label': 'Minutes' });
    return h('form', { class: 'row', onsubmit: (e: Event) => { e.preventDefault(); if (who.value.trim()) void mute(groupId, who.value.trim(), Math.round(+mins.value * 60)); } },
      who, mins, h('button', { type: 'submit', class: 'small secondary' }, 'Mute (minutes, 0 = unmute)'));
  }

  async function mute(groupId: string, userID: string, seconds: number): Promise<void> {
    try {
      await client.rest('group_open_http_svc/forbid_send_msg', { GroupId: groupId, Members_Account: [userID], MuteTime: seconds });
      shell.toast(seconds ? `${userID} muted in ${groupId}` : `${userID} unmuted`);
      await open(groupId);
    } catch (e) {
      shell.toast(err(e), 'error');
    }
  }

  async function loadList(): Promise<void> {
    const ids: string[] = [];
    const r = await client.rest<{ GroupIdList?: { GroupId: string }[] }>('group_open_http_svc/get_appid_group_list', { Limit: 200 });
    for (const g of r.GroupIdList ?? []) ids.push(g.GroupId);
    groups = [];
    for (let i = 0; i < ids.length; i += 50) {
      const info = await client.rest<{ GroupInfo: GroupInfo[] }>('group_open_http_svc/get_group_info', { GroupIdList: ids.slice(i, i + 50), ResponseFilter: { GroupBaseInfoFilter: ['Type', 'Name', 'MemberNum', 'Owner_Account', 'CreateTime'] } });
      groups.push(...info.GroupInfo.filter((g) => !g.ErrorCode));
    }
    draw();
  }
  await loadList();
}
