/**
 * @module messaging/group-commit
 * Durability without a transaction per message: appends that arrive while a commit is in flight
 * wait and go together in the next one. A caller's promise resolves only once its message is in a
 * committed transaction. The pending queue is bounded; beyond it, sends fail with a retryable code.
 *
 * With `lanes` > 1 (stores that gain from concurrent transactions, see
 * MessageStore.appendConcurrency) each conversation hashes to one lane and every lane commits on its
 * own, one transaction at a time: batches overlap, yet a conversation's messages keep their order.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { AppendResult, MessageStore, NewMessage } from '../store/message-store.ts';

interface Pending {
  message: NewMessage;
  resolve(r: AppendResult): void;
  reject(e: unknown): void;
}

interface Lane {
  pending: Pending[];
  inFlight: boolean;
  scheduled: boolean;
}

export class GroupCommitter {
  readonly #lanes: Lane[];
  #queued = 0;
  batches = 0;
  committed = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly maxBatch: number,
    private readonly maxPending = 100_000,
    lanes = store.appendConcurrency ?? 1,
  ) {
    this.#lanes = Array.from({ length: Math.max(1, Math.floor(lanes)) }, () => ({ pending: [], inFlight: false, scheduled: false }));
  }

  get lanes(): number {
    return this.#lanes.length;
  }

  append(message: NewMessage): Promise<AppendResult> {
    if (this.#queued >= this.maxPending) {
      return Promise.reject(new ParleyError(Codes.SERVER_TIMEOUT, 'The server is overloaded; retry'));
    }
    const lane = this.#lanes.length === 1 ? this.#lanes[0]! : this.#lanes[laneOf(message.convId, this.#lanes.length)]!;
    return new Promise((resolve, reject) => {
      lane.pending.push({ message, resolve, reject });
      this.#queued++;
      this.#schedule(lane);
    });
  }

  /** Resolves when everything queued so far is committed (used at shutdown). */
  async drain(): Promise<void> {
    while (this.#lanes.some((l) => l.pending.length > 0 || l.inFlight)) await new Promise((r) => setTimeout(r, 5));
  }

  #schedule(lane: Lane): void {
    if (lane.inFlight || lane.scheduled) return;
    lane.scheduled = true;
    // One macrotask lets the sends already read from sockets join this batch.
    setImmediate(() => {
      lane.scheduled = false;
      void this.#commit(lane);
    });
  }

  async #commit(lane: Lane): Promise<void> {
    if (lane.inFlight || lane.pending.length === 0) return;
    lane.inFlight = true;
    const all = lane.pending;
    const batch = all.length <= this.maxBatch ? all : all.slice(0, this.maxBatch);
    lane.pending = batch === all ? [] : all.slice(this.maxBatch);
    this.#queued -= batch.length;
    try {
      const results = await this.store.append(batch.map((p) => p.message));
      this.batches++;
      this.committed += batch.length;
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError(Codes.STORE_UNAVAILABLE, undefined, { cause: err });
      for (const p of batch) p.reject(e);
    } finally {
      lane.inFlight = false;
      if (lane.pending.length > 0) this.#schedule(lane);
    }
  }
}

/** FNV-1a over the conversation id: cheap, and spreads `c2c:a:b` ids evenly. */
function laneOf(convId: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < convId.length; i++) h = Math.imul(h ^ convId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}
