/**
 * @module core/account-directory
 * Which accounts exist, cached: every send checks its receiver and every login ensures its
 * account, and neither should cost a store round trip once the answer is known.
 * Bounded; only positive answers are cached (an account imported elsewhere is found on the next miss).
 */
import type { AccountStore } from '../store/account-store.ts';

export class AccountDirectory {
  /** app → known user IDs (nested so the userID string itself is the key; no composite string). */
  readonly #known = new Map<number, Set<string>>();
  #size = 0;
  /** Accounts waiting to be created, per app, with the logins waiting on them. */
  #creating = new Map<number, Map<string, { resolve(): void; reject(e: unknown): void }[]>>();

  constructor(private readonly accounts: AccountStore, private readonly maxEntries = 500_000) {}

  /** True when the account is known to exist without asking the store (the send path's fast check). */
  known(sdkAppId: number, userID: string): boolean {
    return this.#known.get(sdkAppId)?.has(userID) === true;
  }

  async exists(sdkAppId: number, userID: string): Promise<boolean> {
    if (this.#known.get(sdkAppId)?.has(userID)) return true;
    const found = (await this.accounts.getAccounts(sdkAppId, [userID])).has(userID);
    if (found) this.#remember(sdkAppId, userID);
    return found;
  }

  /**
   * Creates the account at first login. Creations that arrive together share one store write
   * (one transaction instead of one per login: a login storm is mostly first logins).
   */
  ensure(sdkAppId: number, userID: string): Promise<void> {
    if (this.#known.get(sdkAppId)?.has(userID)) return Promise.resolve();
    let batch = this.#creating.get(sdkAppId);
    if (!batch) {
      batch = new Map();
      this.#creating.set(sdkAppId, batch);
      if (this.#creating.size === 1) setImmediate(() => void this.#createPending());
    }
    let waiters = batch.get(userID);
    if (!waiters) batch.set(userID, (waiters = []));
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  async #createPending(): Promise<void> {
    const all = this.#creating;
    this.#creating = new Map();
    for (const [sdkAppId, batch] of all) {
      try {
        await this.accounts.importAccounts(sdkAppId, [...batch.keys()].map((userID) => ({ userID })));
        for (const [userID, waiters] of batch) {
          this.#remember(sdkAppId, userID);
          for (const w of waiters) w.resolve();
        }
      } catch (err) {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      }
    }
  }

  /** Forgets deleted accounts. */
  forget(sdkAppId: number, userIDs: readonly string[]): void {
    const set = this.#known.get(sdkAppId);
    if (!set) return;
    for (const id of userIDs) if (set.delete(id)) this.#size--;
  }

  #remember(sdkAppId: number, userID: string): void {
    if (this.#size >= this.maxEntries) {
      // Full: start over (cheap, and only a cache of positive answers is lost).
      this.#known.clear();
      this.#size = 0;
    }
    let set = this.#known.get(sdkAppId);
    if (!set) this.#known.set(sdkAppId, (set = new Set()));
    if (!set.has(userID)) {
      set.add(userID);
      this.#size++;
    }
  }
}
