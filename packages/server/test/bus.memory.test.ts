import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runBusContract, eventually } from '../src/bus/bus.contract.ts';
import { MemoryBus, MemoryBusHub } from '../src/bus/bus.memory.ts';

runBusContract('memory (shared hub)', async () => {
  const hub = new MemoryBusHub();
  const a = new MemoryBus({ hub });
  const b = new MemoryBus({ hub });
  return { a, b, cleanup: async () => { await a.close(); await b.close(); } };
});

it('memory: a default MemoryBus has a private hub', async () => {
  const a = new MemoryBus();
  const b = new MemoryBus();
  const got: string[] = [];
  await a.subscribe('c', (p) => got.push(`a:${p}`));
  await b.subscribe('c', (p) => got.push(`b:${p}`));
  await a.publish('c', 'x');
  await eventually(() => got.length > 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(got, ['a:x']);
});

it('memory: a throwing handler goes to onHandlerError and does not stop other deliveries', async () => {
  const errors: unknown[] = [];
  const bus = new MemoryBus({ onHandlerError: (err) => errors.push(err) });
  const got: string[] = [];
  await bus.subscribe('c', (p) => { if (p === 'bad') throw new Error('boom'); got.push(p); });
  await bus.publish('c', 'bad');
  await bus.publish('c', 'good');
  await eventually(() => got.length === 1);
  assert.equal(errors.length, 1);
});
