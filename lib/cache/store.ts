/**
 * The storage contract every cache adapter (memory, Redis, Upstash) implements. Values are
 * strings (callers serialise); TTLs are whole seconds. Adapters may throw: {@link Cache} in
 * `cache.ts` adds the timeout, circuit breaker and fallbacks around them.
 */
/** How long a generation marker outlives its last invalidation: far longer than any load. */
export const GENERATION_TTL_SECONDS = 24 * 60 * 60;

/** Where a key's generation counter lives. */
export const generationKey = (key: string) => `gen:${key}`;

export interface CacheStore {
  /** Adapter name shown in health output: "memory", "redis" or "upstash". */
  readonly kind: string;
  /**
   * True for an in-process store that answers without I/O: it cannot hang, so the cache skips
   * arming a timeout around its calls (a timer per call was a measurable share of a request).
   */
  readonly inProcess?: boolean;
  get(key: string): Promise<string | null>;
  /**
   * In-process stores only: what {@link get} would answer, synchronously. Lets a warm lookup skip
   * the promise hops a request otherwise pays for (see `Cache.peek`).
   */
  peek?(key: string): string | null;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Deletes every given key; missing keys are ignored. */
  delete(keys: string[]): Promise<void>;
  /**
   * Deletes every given key AND bumps its generation, so a load that read the database before
   * this invalidation cannot write its stale result back (see {@link setIfGeneration}).
   */
  invalidate(keys: string[]): Promise<void>;
  /** The key's current generation ("0" if never invalidated, or long ago). */
  generation(key: string): Promise<string>;
  /**
   * Atomically stores `value` only if the key's generation still equals `generation` (read
   * before the load began). Returns whether it was stored.
   */
  setIfGeneration(
    key: string,
    value: string,
    ttlSeconds: number,
    generation: string,
  ): Promise<boolean>;
  /**
   * Atomically increments a counter, creating it with `ttlSeconds` to live when absent.
   * Returns the new value. Used for rate limits.
   */
  increment(key: string, ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
