/**
 * @module moderation/dirty-words
 * Per-app custom sensitive words (Tencent's `openim_dirty_words` get/add/delete, reference §6)
 * and the synchronous check the send path runs on every message.
 *
 * Each app's list is compiled into one `WordMatcher` and cached; `add`/`delete` write through the
 * repository, re-read the list and swap in a new matcher, so a change is effective as soon as the
 * call resolves (Tencent takes ~5 minutes). The check never does I/O: an app whose list is not yet
 * cached passes and its list is loaded in the background — call `load(sdkAppId)` when an app
 * comes up to close that window.
 */
import { Codes, type MsgBody } from '@parley/protocol';
import { ParleyError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { DirtyWordRepository } from './dirty-word-repository.ts';
import { WordMatcher } from './word-matcher.ts';

export type DirtyCheckResult = { ok: true } | { ok: false; word: string };

export interface DirtyWordFilterOptions {
  /** Words per add/delete call (reference: 50). */
  maxWordsPerCall?: number;
  /** UTF-8 bytes per word (reference: 200). */
  maxWordBytes?: number;
  /** Cap on an app's whole list; the reference's "existing plus new ≤ 50" reading. Default: none. */
  maxWordsPerApp?: number;
  logger?: Logger;
}

interface AppWords {
  words: string[];
  matcher: WordMatcher | undefined;
  loading: Promise<void> | undefined;
  /** Bumped by every reload so a slow, older `list` cannot overwrite a newer one. */
  gen: number;
  /** Tail of this app's add/delete chain: mutations run one at a time per app. */
  mutating: Promise<void>;
}

const OK: DirtyCheckResult = Object.freeze({ ok: true });
const RESOLVED = Promise.resolve();

export class DirtyWordFilter {
  private readonly apps = new Map<number, AppWords>();
  private readonly maxWordsPerCall: number;
  private readonly maxWordBytes: number;
  private readonly maxWordsPerApp: number;
  private readonly logger: Logger | undefined;

  constructor(private readonly repo: DirtyWordRepository, options: DirtyWordFilterOptions = {}) {
    this.maxWordsPerCall = options.maxWordsPerCall ?? 50;
    this.maxWordBytes = options.maxWordBytes ?? 200;
    this.maxWordsPerApp = options.maxWordsPerApp ?? Infinity;
    this.logger = options.logger;
  }

  /**
   * Checks the text the reference filters (TIMTextElem `Text`) plus TIMCustomElem `Desc`, the
   * human-readable part of a custom element (a Parley addition). Synchronous, no I/O.
   */
  check(sdkAppId: number, body: MsgBody): DirtyCheckResult {
    const matcher = this.matcherFor(sdkAppId);
    if (matcher === undefined || matcher.size === 0) return OK;
    for (let i = 0; i < body.length; i++) {
      const el = body[i]!;
      let text: unknown;
      // `?.`: the body may come from a client before full validation; never throw here.
      if (el.MsgType === 'TIMTextElem') text = el.MsgContent?.Text;
      else if (el.MsgType === 'TIMCustomElem') text = el.MsgContent?.Desc;
      else continue;
      if (typeof text !== 'string' || text.length === 0) continue;
      const word = matcher.findFirst(text);
      if (word !== undefined) return { ok: false, word };
    }
    return OK;
  }

  /** Checks one string (group names, name cards, profile fields: the other places §6 filters). */
  checkText(sdkAppId: number, text: string): DirtyCheckResult {
    const matcher = this.matcherFor(sdkAppId);
    if (matcher === undefined || matcher.size === 0) return OK;
    const word = matcher.findFirst(text);
    return word === undefined ? OK : { ok: false, word };
  }

  /** True once the app's list is cached (`check` needs no `load` first). */
  isLoaded(sdkAppId: number): boolean {
    return this.apps.get(sdkAppId)?.matcher !== undefined;
  }

  /** Loads (once) the app's list so `check` enforces it; concurrent callers share one read. */
  load(sdkAppId: number): Promise<void> {
    const e = this.apps.get(sdkAppId);
    if (e?.matcher) return RESOLVED;
    if (e?.loading) return e.loading;
    return this.reload(sdkAppId);
  }

  /** Re-reads the app's list, e.g. when another node changed it; the old matcher serves meanwhile. */
  refresh(sdkAppId: number): Promise<void> {
    return this.reload(sdkAppId);
  }

  /** The app's words as added (REST `get`). */
  async get(sdkAppId: number): Promise<string[]> {
    await this.load(sdkAppId);
    return [...this.entry(sdkAppId).words];
  }

  /** REST `add`: validates, stores, and makes the words effective before resolving. */
  async add(sdkAppId: number, words: unknown): Promise<void> {
    const list = this.validate(words);
    return this.mutate(sdkAppId, async (e) => {
      if (this.maxWordsPerApp !== Infinity) {
        const after = new Set(e.words);
        for (const w of list) after.add(w);
        if (after.size > this.maxWordsPerApp) {
          throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `An app may have at most ${this.maxWordsPerApp} sensitive words`);
        }
      }
      await this.repo.add(sdkAppId, list);
    });
  }

  /** REST `delete`: same validation as `add`; absent words are ignored. */
  async delete(sdkAppId: number, words: unknown): Promise<void> {
    const list = this.validate(words);
    return this.mutate(sdkAppId, () => this.repo.remove(sdkAppId, list));
  }

  private matcherFor(sdkAppId: number): WordMatcher | undefined {
    const e = this.apps.get(sdkAppId);
    if (e?.matcher) return e.matcher;
    if (!e?.loading) {
      this.reload(sdkAppId).catch((err: unknown) => {
        this.logger?.warn({ err, sdkAppId }, 'loading sensitive words failed; messages pass unchecked');
      });
    }
    return undefined;
  }

  private entry(sdkAppId: number): AppWords {
    let e = this.apps.get(sdkAppId);
    if (!e) {
      e = { words: [], matcher: undefined, loading: undefined, gen: 0, mutating: RESOLVED };
      this.apps.set(sdkAppId, e);
    }
    return e;
  }

  private reload(sdkAppId: number): Promise<void> {
    const e = this.entry(sdkAppId);
    const gen = ++e.gen;
    const p: Promise<void> = this.repo
      .list(sdkAppId)
      .then((words) => {
        if (e.gen !== gen) return e.loading; // a newer read was started: wait for that one
        e.words = words;
        e.matcher = new WordMatcher(words);
        return undefined;
      })
      .finally(() => {
        if (e.loading === p) e.loading = undefined;
      });
    e.loading = p;
    return p;
  }

  private mutate(sdkAppId: number, write: (e: AppWords) => Promise<void>): Promise<void> {
    const e = this.entry(sdkAppId);
    const run = e.mutating.then(async () => {
      await this.load(sdkAppId);
      await write(e);
      await this.reload(sdkAppId);
    });
    // The chain must survive a failed mutation; the caller still sees the failure through `run`.
    e.mutating = run.catch(() => undefined);
    return run;
  }

  private validate(words: unknown): string[] {
    const bad = (why: string): never => {
      throw new ParleyError(Codes.GROUP_INVALID_PARAMETER, `DirtyWordsList: ${why}`);
    };
    if (!Array.isArray(words)) return bad('must be an array of strings');
    if (words.length === 0) return bad('must not be empty');
    if (words.length > this.maxWordsPerCall) return bad(`at most ${this.maxWordsPerCall} words per call`);
    for (const w of words) {
      if (typeof w !== 'string') return bad('every word must be a string');
      if (w.trim().length === 0) return bad('words must not be empty');
      if (Buffer.byteLength(w, 'utf8') > this.maxWordBytes) return bad(`a word may be at most ${this.maxWordBytes} bytes (UTF-8)`);
    }
    return words as string[];
  }
}
