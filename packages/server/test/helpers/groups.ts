/**
 * Group test fixtures: logged-in users by name, group creation through the client ops, waiting for
 * group pushes and system notices, and a fake LiveRooms that records what the group module asks of
 * the live-room engine.
 */
import assert from 'node:assert/strict';
import type { Priority } from '@parley/protocol';
import type { ClientConnection } from '../../src/gateway/client-connection.ts';
import type { LiveRooms, PublishOutcome, RoomMemberInfo } from '../../src/live/live-rooms.ts';
import type { AppRecord } from '../../src/store/app-store.ts';
import { loginClient, text, type TestNode } from './test-server.ts';
import type { Push, TestClient } from './ws-client.ts';

export type Users = Record<string, TestClient>;

export async function loginAll(node: TestNode, app: AppRecord, names: string[]): Promise<Users> {
  const out: Users = {};
  for (const n of names) out[n] = (await loginClient(node, app, n)).client;
  return out;
}

export async function closeAll(users: Users): Promise<void> {
  await Promise.all(Object.values(users).map((c) => c.close()));
}

let clientMsg = 0;
export function sendGroup(c: TestClient, groupID: string, body: unknown = text('hi'), extra: Record<string, unknown> = {}) {
  return c.request('sendMessage', { type: 'GROUP', to: groupID, body, clientMsgId: `g${++clientMsg}`, ...extra });
}

export async function createGroup(c: TestClient, data: Record<string, unknown>): Promise<string> {
  const r = await c.request('createGroup', data);
  assert.equal(r.code, 0, `createGroup: ${r.code} ${r.message}`);
  return r.data.group.groupID as string;
}

export function ok<T = any>(r: { code: number; message: string; data: T }, what = 'request'): T {
  assert.equal(r.code, 0, `${what}: ${r.code} ${r.message}`);
  return r.data;
}

/** Waits for a groupMessage push whose body satisfies `pred`. */
export async function nextGroupMessage(c: TestClient, pred: (m: any) => boolean = () => true, timeoutMs = 3000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = c.pushes.find((p) => p.push === 'groupMessage' && !(p as { used?: boolean }).used && pred(p.data));
    if (hit) {
      (hit as { used?: boolean }).used = true;
      return hit.data;
    }
    if (Date.now() > deadline) throw new Error('no matching groupMessage push');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function tipOf(m: any): any {
  return m.body[0].MsgType === 'TIMGroupTipElem' ? m.body[0].MsgContent : undefined;
}

/** Waits for a stored group system notice (an inbox message from @TIM#SYSTEM) of `operationType`. */
export async function nextNotice(c: TestClient, operationType: number, timeoutMs = 3000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = c.pushes.find((p: Push & { used?: boolean }) => p.push === 'inbox' && !p.used && p.data.kind === 'message'
      && p.data.message.from === '@TIM#SYSTEM' && p.data.message.body[0].MsgContent.operationType === operationType);
    if (hit) {
      (hit as { used?: boolean }).used = true;
      return hit.data.message.body[0].MsgContent;
    }
    if (Date.now() > deadline) throw new Error(`no group system notice ${operationType}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function settle(ms = 100): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Records calls; delivers room messages to joined connections as `roomMessage` pushes. */
export class FakeLiveRooms implements LiveRooms {
  readonly rooms = new Map<string, Map<ClientConnection, RoomMemberInfo>>();
  readonly published: { groupId: string; wire: any; priority: Priority; rate: number }[] = [];
  readonly broadcasts: { sdkAppId: number; wire: any }[] = [];
  readonly closed: string[] = [];
  /** When set, publish answers with a drop. */
  dropNext = false;

  async join(conn: ClientConnection, sdkAppId: number, groupId: string, info: RoomMemberInfo): Promise<{ memberCount: number }> {
    const current = this.roomOf(conn);
    if (current) await this.leave(conn, current.sdkAppId, current.groupId);
    const key = `${sdkAppId}:${groupId}`;
    let room = this.rooms.get(key);
    if (!room) this.rooms.set(key, (room = new Map()));
    room.set(conn, info);
    return { memberCount: room.size };
  }
  async leave(conn: ClientConnection, sdkAppId: number, groupId: string): Promise<void> {
    this.rooms.get(`${sdkAppId}:${groupId}`)?.delete(conn);
  }
  roomOf(conn: ClientConnection): { sdkAppId: number; groupId: string } | undefined {
    for (const [key, room] of this.rooms) {
      if (room.has(conn)) {
        const i = key.indexOf(':');
        return { sdkAppId: Number(key.slice(0, i)), groupId: key.slice(i + 1) };
      }
    }
    return undefined;
  }
  publish(sdkAppId: number, groupId: string, wireMessage: string, priority: Priority, ratePerSecond: number): PublishOutcome {
    this.published.push({ groupId, wire: JSON.parse(wireMessage), priority, rate: ratePerSecond });
    if (this.dropNext) {
      this.dropNext = false;
      return { delivered: false, dropReason: 'MsgFreqCtrl' };
    }
    for (const conn of this.rooms.get(`${sdkAppId}:${groupId}`)?.keys() ?? []) conn.push(`{"push":"roomMessage","data":${wireMessage}}`);
    return { delivered: true };
  }
  broadcastToApp(sdkAppId: number, wireMessage: string): void {
    this.broadcasts.push({ sdkAppId, wire: JSON.parse(wireMessage) });
  }
  readonly appPushes: { sdkAppId: number; push: any }[] = [];
  pushToApp(sdkAppId: number, push: string): void {
    this.appPushes.push({ sdkAppId, push: JSON.parse(push) });
  }
  pushAttributes(sdkAppId: number, groupId: string, push: string): void {
    for (const conn of this.rooms.get(`${sdkAppId}:${groupId}`)?.keys() ?? []) conn.push(push);
  }
  like(): void {}
  async onlineCount(sdkAppId: number, groupId: string): Promise<number> {
    return this.rooms.get(`${sdkAppId}:${groupId}`)?.size ?? 0;
  }
  closeRoom(sdkAppId: number, groupId: string): void {
    this.closed.push(groupId);
    this.rooms.delete(`${sdkAppId}:${groupId}`);
  }
  async close(): Promise<void> {}
}
