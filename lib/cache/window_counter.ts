/**
 * Fixed-window counters for rate limits and login throttling. Counts live in the shared cache so
 * every instance sees them; when the cache is unavailable the same limits are enforced from
 * process memory (fail-closed per instance rather than fail-open).
 */
import type { Cache } from "./cache.ts";
import { MemoryStore } from "./memory_store.ts";

export interface WindowCount {
  count: number;
  /** Seconds until the current window ends (at least 1). */
  resetInSeconds: number;
}

export class WindowCounter {
  readonly #cache: Cache;
  readonly #fallback: MemoryStore;
  readonly #now: () => number;

  constructor(cache: Cache, options: { now?: () => number } = {}) {
    this.#cache = cache;
    this.#now = options.now ?? Date.now;
    this.#fallback = new MemoryStore({ now: this.#now, maxEntries: 100_000 });
  }

  #window(key: string, windowSeconds: number) {
    const now = this.#now();
    const windowMs = windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    return {
      key: `rl:${key}:${start / 1000}`,
      resetInSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
    };
  }

  /** Counts one event against `key` in the current window and returns the new count. */
  async hit(key: string, windowSeconds: number): Promise<WindowCount> {
    const window = this.#window(key, windowSeconds);
    const shared = await this.#cache.increment(window.key, windowSeconds + 1);
    const count = shared ?? await this.#fallback.increment(window.key, windowSeconds + 1);
    return { count, resetInSeconds: window.resetInSeconds };
  }

  /** The current count without adding to it. */
  async peek(key: string, windowSeconds: number): Promise<WindowCount> {
    const window = this.#window(key, windowSeconds);
    const shared = this.#cache.healthy ? await this.#cache.get<number>(window.key) : null;
    const local = Number(await this.#fallback.get(window.key) ?? 0);
    return { count: Math.max(shared ?? 0, local), resetInSeconds: window.resetInSeconds };
  }

  async reset(key: string, windowSeconds: number): Promise<void> {
    const window = this.#window(key, windowSeconds);
    await this.#cache.delete(window.key);
    await this.#fallback.delete([window.key]);
  }

  close(): Promise<void> {
    return this.#fallback.close();
  }
}
