import { runPresenceContract } from '../src/presence/presence.contract.ts';
import { MemoryPresence } from '../src/presence/presence.memory.ts';

runPresenceContract('memory', async () => {
  const p = new MemoryPresence();
  return { a: p, b: p, nodeA: 'node-a', nodeB: 'node-b', cleanup: () => p.close() };
});
