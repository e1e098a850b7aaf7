/**
 * @module core/account-directory
 * Which accounts exist, cached: every send checks its receiver and every login ensures its
 * account, and neither should cost a store round trip once the answer is known.
 * Bounded; only positive answers are cached (an account imported elsewhere is found on the next miss).
 */
import type { AccountStore } from '../store/account-store.ts';

export class AccountDirectory {
  readonly #known = new Set<string>();

  constructor(private readonly accounts: AccountStore, private readonly maxEntries = 500_000) {}

  async exists(sdkAppId: number, userID: string): Promise<boolean> {
    const key = `${sdkAppId}:${userID}`;
    if (this.#known.has(key)) return true;
    const found = (await this.accounts.getAccounts(sdkAppId, [userID])).has(userID);
    if (found) this.#remember(key);
    return found;
  }

  /** Creates the account at first login. */
  async ensure(sdkAppId: number, userID: string): Promise<void> {
    const key = `${sdkAppId}:${userID}`;
    if (this.#known.has(key)) return;
    await this.accounts.ensureAccount(sdkAppId, userID);
    this.#remember(key);
  }

  /** Forgets deleted accounts. */
  forget(sdkAppId: number, userIDs: readonly string[]): void {
    for (const id of userIDs) this.#known.delete(`${sdkAppId}:${id}`);
  }

  #remember(key: string): void {
    if (this.#known.size >= this.maxEntries) {
      const first = this.#known.values().next().value;
      if (first !== undefined) this.#known.delete(first);
    }
    this.#known.add(key);
  }
}
