/** In-process cache: the embedded default. Expired entries are dropped lazily and by a sweep. */
import { type CacheStore, GENERATION_TTL_SECONDS, generationKey } from "./store.ts";

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Upper bound on entries; the oldest are evicted first. */
  maxEntries?: number;
  /** Injected clock for tests. */
  now?: () => number;
}

export class MemoryStore implements CacheStore {
  readonly kind = "memory";
  readonly inProcess = true;
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 50_000;
    this.#now = options.now ?? Date.now;
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    // Never keep the process (or a test) alive just to sweep.
    Deno.unrefTimer(this.#sweeper as unknown as number);
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep() {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  #put(key: string, entry: Entry) {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest write.
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.peek(key));
  }

  peek(key: string): string | null {
    return this.#live(key)?.value ?? null;
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#put(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(keys: string[]): Promise<void> {
    for (const key of keys) this.#entries.delete(key);
    return Promise.resolve();
  }

  async invalidate(keys: string[]): Promise<void> {
    for (const key of keys) {
      this.#entries.delete(key);
      await this.increment(generationKey(key), GENERATION_TTL_SECONDS);
    }
  }

  generation(key: string): Promise<string> {
    return Promise.resolve(this.#live(generationKey(key))?.value ?? "0");
  }

  // Synchronous between the check and the write: atomic in a single-threaded process.
  setIfGeneration(
    key: string,
    value: string,
    ttlSeconds: number,
    generation: string,
  ): Promise<boolean> {
    if ((this.#live(generationKey(key))?.value ?? "0") !== generation) {
      return Promise.resolve(false);
    }
    this.#put(key, { value, expiresAt: this.#now() + ttlSeconds * 1000 });
    return Promise.resolve(true);
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.#live(key);
    const next = (entry ? Number(entry.value) : 0) + 1;
    const expiresAt = entry?.expiresAt ?? this.#now() + ttlSeconds * 1000;
    this.#put(key, { value: String(next), expiresAt });
    return Promise.resolve(next);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#entries.clear();
    return Promise.resolve();
  }
}
