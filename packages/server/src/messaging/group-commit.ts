/**
 * @module messaging/group-commit
 * Durability without a transaction per message: appends that arrive while a commit is in flight
 * wait and go together in the next one. A caller's promise resolves only once its message is in a
 * committed transaction. The pending queue is bounded; beyond it, sends fail with a retryable code.
 */
import { Codes } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { AppendResult, MessageStore, NewMessage } from '../store/message-store.ts';

interface Pending {
  message: NewMessage;
  resolve(r: AppendResult): void;
  reject(e: unknown): void;
}

export class GroupCommitter {
  #pending: Pending[] = [];
  #inFlight = false;
  #scheduled = false;
  batches = 0;
  committed = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly maxBatch: number,
    private readonly maxPending = 100_000,
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    if (this.#pending.length >= this.maxPending) {
      return Promise.reject(new ParleyError(Codes.SERVER_TIMEOUT, 'The server is overloaded; retry'));
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ message, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves when everything queued so far is committed (used at shutdown). */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#inFlight) await new Promise((r) => setTimeout(r, 5));
  }

  #schedule(): void {
    if (this.#inFlight || this.#scheduled) return;
    this.#scheduled = true;
    // One macrotask lets the sends already read from sockets join this batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#commit();
    });
  }

  async #commit(): Promise<void> {
    if (this.#inFlight || this.#pending.length === 0) return;
    this.#inFlight = true;
    const batch = this.#pending.length <= this.maxBatch ? this.#pending : this.#pending.slice(0, this.maxBatch);
    this.#pending = batch === this.#pending ? [] : this.#pending.slice(this.maxBatch);
    try {
      const results = await this.store.append(batch.map((p) => p.message));
      this.batches++;
      this.committed += batch.length;
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
    } catch (err) {
      const e = err instanceof ParleyError ? err : new ParleyError(Codes.STORE_UNAVAILABLE, undefined, { cause: err });
      for (const p of batch) p.reject(e);
    } finally {
      this.#inFlight = false;
      if (this.#pending.length > 0) this.#schedule();
    }
  }
}
