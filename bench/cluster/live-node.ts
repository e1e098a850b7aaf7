/**
 * A live-room node for the split-room benchmark (child of live-split.ts), speaking the same IPC as
 * bench/live-room/server.ts ('ready' with the port, 'stats') so bench/live-room/receiver.ts can be
 * reused unchanged. Same engine settings as that server's `parley` kind.
 *   node --expose-gc --import tsx bench/cluster/live-node.ts <memory|redis> <flushMs> [nodeId prefix redisUrl]
 * `redis`: the room is shared with other nodes over a Redis bus and presence (cluster).
 */
import { startLiveTestServer } from '../../packages/server/src/live/live-test-server.ts';
import { RedisBus } from '../../packages/server/src/bus/bus.redis.ts';
import { RedisPresence } from '../../packages/server/src/presence/presence.redis.ts';

const [mode = 'memory', flushArg = '50', nodeId = `live-${process.pid}`, prefix = 'parley_bench:', redisUrl = 'redis://127.0.0.1:6379'] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const cluster = mode === 'redis'
  ? {
      bus: await RedisBus.open({ url: redisUrl, prefix: `${prefix}bus:`, name: `${prefix}${nodeId}:bus` }),
      presence: await RedisPresence.open({ url: redisUrl, nodeId, prefix: `${prefix}presence:`, name: `${prefix}${nodeId}:presence` }),
    }
  : {};
const s = await startLiveTestServer({
  engine: { flushMs: Number(flushArg), noticeFlushMs: 1000, countRefreshMs: 5000, maxMemberBytes: 4 * 1024 * 1024, slowGraceMs: 10_000 },
  settings: { roomMessagesPerSecond: 1e9, likeFlushMs: 500 },
  config: { coalesceMs: 2, maxOutboundBytes: 8 * 1024 * 1024 },
  trackUsers: false,
  nodeId,
  ...cluster,
});
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') {
    gc();
    const mem = process.memoryUsage();
    process.send?.({ cmd: 'stats', rss: mem.rss, heapUsed: mem.heapUsed, cpu: process.cpuUsage(), clients: s.engine.localMembers(1400000001, 'bench') });
  }
});
gc();
process.send?.({ cmd: 'ready', port: s.port });
