/**
 * @module presence/presence.contract
 * Conformance suite every Presence engine passes. `open` returns two Presence handles standing for
 * two live nodes (`nodeA`, `nodeB`) that see the same cluster state; an engine without nodes (the
 * in-process one) may return the same instance twice.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Presence, SessionInfo } from './presence.ts';

export interface PresencePair {
  a: Presence;
  b: Presence;
  nodeA: string;
  nodeB: string;
  cleanup(): Promise<void>;
}

export interface PresenceContractOptions {
  /** A skip reason (from the test's service check), or false to run. */
  skip?: () => Promise<string | false>;
}

export function runPresenceContract(name: string, open: () => Promise<PresencePair>, opts: PresenceContractOptions = {}): void {
  describe(`Presence contract: ${name}`, async () => {
    const skip = (await opts.skip?.()) ?? false;
    let p: PresencePair;
    // Each test works in its own app, so one pair serves the whole suite.
    let nextApp = 1_400_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
    const app = () => ++nextApp;
    const session = (sdkAppId: number, userID: string, sessionId: string, nodeId: string, loginAt: number, platform = 'web'): SessionInfo =>
      ({ sdkAppId, userID, sessionId, nodeId, platform, loginAt });

    before(async () => { if (!skip) p = await open(); });
    after(async () => { if (!skip) await p.cleanup(); });

    it('adds and removes sessions, visible from every node', { skip }, async () => {
      const id = app();
      const s1 = session(id, 'alice', 's1', p.nodeA, 1_000);
      await p.a.addSession(s1);
      assert.deepEqual(await p.b.sessions(id, 'alice'), [s1]);
      assert.deepEqual(await p.a.sessions(id, 'alice'), [s1]);
      await p.b.removeSession(id, 'alice', 's1');
      assert.deepEqual(await p.a.sessions(id, 'alice'), []);
      await p.a.removeSession(id, 'alice', 's1'); // idempotent
      await p.a.removeSession(id, 'nobody', 'x');
      assert.deepEqual(await p.a.sessions(id, 'nobody'), []);
    });

    it('lists a user\'s sessions on every node oldest first', { skip }, async () => {
      const id = app();
      const web = session(id, 'bob', 'web', p.nodeA, 3_000);
      const ios = session(id, 'bob', 'ios', p.nodeB, 1_000, 'ios');
      const mac = session(id, 'bob', 'mac', p.nodeA, 2_000, 'mac');
      await p.a.addSession(web);
      await p.b.addSession(ios);
      await p.a.addSession(mac);
      assert.deepEqual(await p.a.sessions(id, 'bob'), [ios, mac, web]);
      await p.a.removeSession(id, 'bob', 'mac');
      assert.deepEqual(await p.b.sessions(id, 'bob'), [ios, web]);
    });

    it('adding the same session id again replaces it', { skip }, async () => {
      const id = app();
      await p.a.addSession(session(id, 'carol', 's', p.nodeA, 1_000));
      const moved = session(id, 'carol', 's', p.nodeA, 2_000, 'android');
      await p.a.addSession(moved);
      assert.deepEqual(await p.b.sessions(id, 'carol'), [moved]);
    });

    it('keeps apps and users apart', { skip }, async () => {
      const x = app();
      const y = app();
      await p.a.addSession(session(x, 'dave', 's', p.nodeA, 1));
      assert.deepEqual(await p.a.sessions(y, 'dave'), []);
      assert.deepEqual(await p.a.sessions(x, 'dave2'), []);
      assert.deepEqual(await p.a.sessions(x, 'dav'), []);
    });

    it('sessionsOf answers for many users at once, with [] for offline users', { skip }, async () => {
      const id = app();
      const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
      const expected = new Map<string, SessionInfo[]>();
      await Promise.all(users.map(async (u, i) => {
        if (i % 3 === 0) return expected.set(u, []);
        const list = [session(id, u, `${u}-new`, p.nodeB, 2_000 + i), session(id, u, `${u}-old`, p.nodeA, 1_000 + i)];
        if (i % 3 === 2) list.pop();
        for (const s of list) await (s.nodeId === p.nodeA ? p.a : p.b).addSession(s);
        expected.set(u, [...list].sort((m, n) => m.loginAt - n.loginAt));
      }));
      const got = await p.a.sessionsOf(id, users);
      assert.equal(got.size, users.length);
      for (const u of users) assert.deepEqual(got.get(u), expected.get(u), u);
      assert.deepEqual(await p.b.sessionsOf(id, []), new Map());
    });

    it('sums room counts over nodes; 0 removes a node\'s count', { skip }, async () => {
      const id = app();
      assert.equal(await p.a.roomCount(id, 'room'), 0);
      await p.a.setRoomCount(id, 'room', p.nodeA, 5);
      await p.b.setRoomCount(id, 'room', p.nodeB, 7);
      await p.a.setRoomCount(id, 'other', p.nodeA, 100);
      assert.equal(await p.a.roomCount(id, 'room'), 12);
      assert.equal(await p.b.roomCount(id, 'room'), 12);
      await p.a.setRoomCount(id, 'room', p.nodeA, 2); // overwrites, not adds
      assert.equal(await p.b.roomCount(id, 'room'), 9);
      await p.b.setRoomCount(id, 'room', p.nodeB, 0);
      assert.equal(await p.a.roomCount(id, 'room'), 2);
      assert.equal(await p.a.roomCount(app(), 'room'), 0);
    });

    it('removeNode drops that node\'s sessions and room counts only', { skip }, async () => {
      const id = app();
      const onA = session(id, 'erin', 'a', p.nodeA, 1);
      const onB = session(id, 'erin', 'b', p.nodeB, 2);
      await p.a.addSession(onA);
      await p.b.addSession(onB);
      await p.a.addSession(session(id, 'frank', 'a', p.nodeA, 3));
      await p.a.setRoomCount(id, 'room', p.nodeA, 4);
      await p.b.setRoomCount(id, 'room', p.nodeB, 6);
      await p.b.removeNode(p.nodeA);
      assert.deepEqual(await p.b.sessions(id, 'erin'), [onB]);
      assert.deepEqual(await p.a.sessions(id, 'frank'), []);
      assert.equal(await p.a.roomCount(id, 'room'), 6);
      // The node keeps working after its entries were dropped (e.g. it was wrongly declared dead).
      await p.a.addSession(onA);
      assert.deepEqual(await p.b.sessions(id, 'erin'), [onA, onB]);
      await p.a.removeNode('never-seen');
    });

    it('close is idempotent and later calls fail', { skip }, async () => {
      const other = await open();
      try {
        await other.a.close();
        await other.a.close();
        await assert.rejects(other.a.sessions(1, 'x'));
      } finally {
        await other.cleanup();
      }
    });
  });
}
